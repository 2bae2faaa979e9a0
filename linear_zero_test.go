package llmrouter_test

import (
	"context"
	"math"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/stretchr/testify/require"
)

// A LinearClassifier not made by training or ReadLinearClassifier (a zero
// struct) panicked in Predict and Classify with "slice bounds out of range
// [:-1]". Predict now returns no qualities and a NaN difficulty, and
// Classify an error saying what is wrong, leaving the prediction alone.
func TestLinearClassifierZeroValue(t *testing.T) {
	var c llmrouter.LinearClassifier
	require.NotPanics(t, func() {
		q, d := c.Predict("What is 2+2?")
		require.Empty(t, q)
		require.True(t, math.IsNaN(d))
		p := llmrouter.Prediction{Quality: []float64{math.NaN()}, Difficulty: math.NaN()}
		err := c.Classify(context.Background(), &llmrouter.Features{Text: "What is 2+2?"}, []llmrouter.ModelCard{cheapCard}, &p)
		require.EqualError(t, err, "llmrouter: LinearClassifier not trained or read (its zero value knows no models)")
		require.True(t, math.IsNaN(p.Quality[0]))
	})
}
