package llmrouter_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
)

// TestAllSkippedErrorMessage: a plan whose every step was skipped called
// no model; its error said "all attempts failed (2 attempts)" all the
// same, as if two calls had failed.
func TestAllSkippedErrorMessage(t *testing.T) {
	fakes := []*routertest.Provider{routertest.NewProvider(cheapCard), routertest.NewProvider(midCard)}
	keep := llmrouter.PolicyFunc(func(*llmrouter.Routing) error { return nil }) // no cost filter: the cap skips both
	r, err := llmrouter.New([]llmrouter.Provider{fakes[0], fakes[1]}, llmrouter.WithPolicy(keep))
	require.NoError(t, err)
	ctx := llmrouter.WithHints(context.Background(), llmrouter.Hints{MaxCost: 1e-12})
	_, err = r.GenerateContent(ctx, human("hello there"))
	require.ErrorIs(t, err, llmrouter.ErrAllFailed)
	var af *llmrouter.AllFailedError
	require.ErrorAs(t, err, &af)
	require.Len(t, af.Attempts, 2)
	for _, f := range fakes {
		assert.Zero(t, f.CallCount())
	}
	msg := err.Error()
	assert.NotContains(t, msg, "all attempts failed")
	assert.Contains(t, msg, "llmrouter: no model was called: every step was skipped (2 steps); 1. mid: over the cost limit")
	assert.Contains(t, msg, "; 2. cheap: over the cost limit")
	assert.NotContains(t, msg, "not called:", "each reason said once")
}
