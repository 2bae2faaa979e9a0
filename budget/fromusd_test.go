package budget_test

import (
	"context"
	"math"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/budget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FromUSD as its doc says: rounded to the nearest nano; negative and NaN
// amounts 0; +Inf and amounts past an int64 saturate (the doc said every
// infinite amount was 0, but +Inf saturates: a cost of +Inf must not be
// charged as free).
func TestFromUSD(t *testing.T) {
	for _, tt := range []struct {
		usd  float64
		want budget.Nanos
	}{
		{0, 0}, {1, 1e9}, {1.2345678904e-3, 1234568}, {0.4e-9, 0}, {0.6e-9, 1},
		{-1, 0}, {math.NaN(), 0}, {math.Inf(-1), 0},
		{math.Inf(1), math.MaxInt64}, {1e30, math.MaxInt64},
	} {
		assert.Equal(t, tt.want, budget.FromUSD(tt.usd), "FromUSD(%v)", tt.usd)
	}
}

// The zero Budget has no limits, as New(Config{}) has: it removes no model
// and reserves nothing.
func TestZeroBudget(t *testing.T) {
	var b budget.Budget
	r := &llmrouter.Routing{Candidates: []llmrouter.Candidate{{Cost: 1}}}
	require.NoError(t, b.Apply(r))
	assert.Empty(t, r.Candidates[0].Removed)
	fin, err := b.StartCall(context.Background(), &llmrouter.Decision{ID: "x", Plan: []llmrouter.Step{{}}, Candidates: r.Candidates}, llmrouter.Hints{})
	require.NoError(t, err)
	assert.Nil(t, fin)
}
