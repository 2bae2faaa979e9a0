package bandit_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/bandit"
	"github.com/llmrouter/llmrouter/hotswap"
)

// TestFailedNewLeavesBaseHolderClean: llmrouter.New checks every stage
// before any remembers a model set. The bandit's Validate validated its
// Base (a hotswap holder, which remembers the models it passes) before
// its own check, so a router New refused for the bandit's sake left the
// holder remembering that router's models, and a later Swap valid for
// the router actually built was refused against them.
func TestFailedNewLeavesBaseHolderClean(t *testing.T) {
	abc := []llmrouter.ModelCard{{Name: "a", InputPerMTok: 1, OutputPerMTok: 1}, {Name: "b", InputPerMTok: 2, OutputPerMTok: 2},
		{Name: "c", InputPerMTok: 3, OutputPerMTok: 3}}
	provs := func(cs []llmrouter.ModelCard) []llmrouter.Provider {
		ps := make([]llmrouter.Provider, len(cs))
		for i, c := range cs {
			ps[i] = llmrouter.NewProvider(c, nil)
		}
		return ps
	}
	tests := []struct {
		name string
		wrap func(p llmrouter.Policy) llmrouter.Policy
	}{
		{"bandit", func(p llmrouter.Policy) llmrouter.Policy { return p }},
		{"bandit in a chain", func(p llmrouter.Policy) llmrouter.Policy { return llmrouter.Chain(p) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := hotswap.NewPolicy(nil)
			p, err := bandit.New([]string{"a", "b", "c"}, bandit.Options{Seed: 1, Base: h})
			require.NoError(t, err)
			_, err = llmrouter.New(provs(abc[:2]), llmrouter.WithPolicy(tt.wrap(p)))
			require.ErrorContains(t, err, "bandit: router has 2 models, the policy 3", "the holder passes, the bandit does not")
			_, err = llmrouter.New(provs(abc), llmrouter.WithPolicy(tt.wrap(p)))
			require.NoError(t, err)
			assert.NoError(t, h.Swap(llmrouter.Threshold{Strong: "c", Weak: "b"}), "valid for the only router built")
		})
	}
}
