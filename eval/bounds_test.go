package eval_test

import (
	"math"
	"testing"

	"github.com/llmrouter/llmrouter/eval"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Curve.At is NaN outside the curve's shares, as its doc says, NaN
// included: At(NaN) returned the last point's PGR and quality (1 and 0.5
// here), figures that looked real.
func TestCurveAtNaN(t *testing.T) {
	c, err := eval.StepCurve([]float64{1, 0}, []float64{0, 0}, []float64{0.1, 0.2})
	require.NoError(t, err)
	pgr, q := c.At(math.NaN())
	assert.True(t, math.IsNaN(pgr), "pgr %v", pgr)
	assert.True(t, math.IsNaN(q), "quality %v", q)
	pgr, _ = c.At(1)
	assert.False(t, math.IsNaN(pgr))
}

// Bad arguments to the functions that return no error panic with a
// message naming the function and the value, not with an index out of
// range or "makeslice: len out of range".
func TestNoErrorFunctionsPanicClearly(t *testing.T) {
	assert.PanicsWithValue(t, "eval: BestModel of no points", func() { eval.BestModel(nil) })
	assert.PanicsWithValue(t, "eval: Choose: no predictions", func() { eval.Choose(nil, nil, 1) })
	assert.PanicsWithValue(t, "eval: Choose: 2 predictions but 1 decision costs", func() { eval.Choose([]float64{1, 2}, []float64{1}, 1) })
	assert.PanicsWithValue(t, "eval: RandomScores(-1): n is negative", func() { eval.RandomScores(-1, 1) })
	assert.Equal(t, 1, eval.Choose([]float64{0.5, 0.9}, []float64{1, 1}, 0))
	assert.Empty(t, eval.RandomScores(0, 1))
}
