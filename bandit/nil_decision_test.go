package bandit_test

import (
	"testing"

	"github.com/llmrouter/llmrouter/bandit"
	"github.com/stretchr/testify/require"
)

// A nil decision is ignored by Record, as every other Sink of the module
// ignores it, and is an error for UpdateDecision; both used to panic.
func TestNilDecision(t *testing.T) {
	p, err := bandit.New([]string{"a", "b"}, bandit.Options{Seed: 1})
	require.NoError(t, err)
	require.NotPanics(t, func() { p.Record(nil) })
	require.NotPanics(t, func() {
		require.ErrorContains(t, p.UpdateDecision(nil, "a", 1), "nil decision")
	})
}
