package bandit_test

import (
	"context"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/bandit"
	"github.com/llmrouter/llmrouter/budget"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// A Base of filters alone (DefaultPolicy given a budget or a tier filter
// and no selection rule) removes models and plans nothing. The bandit then
// chooses among the models left, starting from the order the router gives
// an unplanned request (by predicted quality). It used to return at once:
// the router ranked the request itself, the bandit never decided, never
// learnt, and every grade came back as an unknown decision.
func TestBaseWithoutPlan(t *testing.T) {
	b, err := budget.New(budget.Config{Limits: []budget.Limit{{Scope: budget.Global, USD: 10, Window: budget.Window{Period: budget.Day}}}})
	require.NoError(t, err)
	for name, base := range map[string]llmrouter.Policy{
		"DefaultPolicy(budget)":     llmrouter.DefaultPolicy(b),
		"DefaultPolicy(TierFilter)": llmrouter.DefaultPolicy(llmrouter.TierFilter{}),
		"filter only":               llmrouter.PolicyFunc(func(r *llmrouter.Routing) error { r.Remove(2, "not today"); return nil }),
	} {
		t.Run(name, func(t *testing.T) {
			names := []string{"small", "mid", "big"}
			var provs []llmrouter.Provider
			for i, n := range names {
				provs = append(provs, routertest.NewProvider(llmrouter.ModelCard{Name: n, InputPerMTok: float64(1 + 10*i), OutputPerMTok: float64(1 + 10*i), Quality: 0.5 + 0.2*float64(i)}))
			}
			bd, err := bandit.New(names, bandit.Options{Seed: 1, Base: base})
			require.NoError(t, err)
			r, err := llmrouter.New(provs, llmrouter.WithPolicy(bd), llmrouter.WithSink(bd))
			require.NoError(t, err)
			live, err := llmrouter.New(provs, llmrouter.WithPolicy(base))
			require.NoError(t, err)
			msgs := []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "What is the capital of Australia?")}
			want, err := live.Route(context.Background(), msgs)
			require.NoError(t, err)

			resp, err := r.GenerateContent(context.Background(), msgs)
			require.NoError(t, err)
			d, ok := llmrouter.DecisionFrom(resp)
			require.True(t, ok)
			assert.Equal(t, want.Model, d.Model, "a fresh bandit routes as the live policy does")
			assert.Contains(t, d.Plan[0].Reason, "bandit")
			for _, s := range d.Plan {
				assert.Empty(t, d.Candidates[s.Index].Removed, "a removed model is never planned")
			}
			assert.Equal(t, int64(1), bd.Stats().Decisions)
			require.NoError(t, bd.Feedback(context.Background(), d.ID, 1, ""))
			assert.Zero(t, bd.Stats().Unknown)
		})
	}
}
