package calibrate_test

import (
	"math"
	"testing"

	"github.com/llmrouter/llmrouter/calibrate"
	"github.com/stretchr/testify/require"
)

// A NaN quality target or a NaN realised score fails naming it; a NaN
// target used to read "no cutoff reaches quality NaN", and a NaN outcome
// turned every quality and PGR into NaN without a word.
func TestNaNInputsNamed(t *testing.T) {
	scores := []float64{0.9, 0.5, 0.1}
	strong := []float64{1, 1, 1}
	weak := []float64{1, 0, 0}
	_, err := calibrate.Quality(scores, strong, weak, math.NaN())
	require.ErrorContains(t, err, "target quality NaN")

	bad := []float64{1, math.NaN(), 1}
	_, err = calibrate.Quality(scores, bad, weak, 0.8)
	require.ErrorContains(t, err, "strong outcome 1 is NaN")
	_, err = calibrate.Share(scores, strong, bad, 0.5)
	require.ErrorContains(t, err, "weak outcome 1 is NaN")
}
