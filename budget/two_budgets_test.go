package budget_test

import (
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/budget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Two budgets in one chain (a per-user one in memory, a global one on a
// shared store, say), in either order: the call is held to the smaller
// grant, so neither is charged past what it reserved. The second budget
// set the request's cap to its own grant, raising the first's: a tight
// per-user budget ahead of a generous global one was overspent.
func TestTwoBudgetsSmallerGrantHolds(t *testing.T) {
	day := budget.Window{Period: budget.Day}
	for _, tightFirst := range []bool{true, false} {
		tightStore, looseStore := budget.NewMemoryStore(), budget.NewMemoryStore()
		tight, err := budget.New(budget.Config{Store: tightStore, Limits: []budget.Limit{{Scope: budget.PerUser, USD: 0.005, Window: day}}})
		require.NoError(t, err)
		loose, err := budget.New(budget.Config{Store: looseStore, Limits: []budget.Limit{{Scope: budget.Global, USD: 10, Window: day}}})
		require.NoError(t, err)
		rules := []llmrouter.Policy{tight, loose}
		if !tightFirst {
			rules = []llmrouter.Policy{loose, tight}
		}
		cheap, strong := &meter{card: cheapCard}, &meter{card: strongCard}
		clock := newClock()
		r, err := llmrouter.New([]llmrouter.Provider{cheap, strong}, llmrouter.WithClock(clock),
			llmrouter.WithPolicy(llmrouter.DefaultPolicy(append(rules, llmrouter.CheapestAdequate{MinQuality: 0.8})...)))
		require.NoError(t, err)
		d0, err := r.Route(withHints(llmrouter.Hints{User: "alice"}), human(prompt))
		require.NoError(t, err)
		strong.in = d0.Features.Tokens
		strong.want = func(int) int { return 5000 } // as long as it is allowed
		resp, err := r.GenerateContent(withHints(llmrouter.Hints{User: "alice"}), human(prompt))
		require.NoError(t, err)
		d, _ := llmrouter.DecisionFrom(resp)
		require.Equal(t, "strong", d.Answered)
		spent, _ := tightStore.Usage("user=alice/day", clock.Now())
		assert.LessOrEqual(t, spent, budget.FromUSD(0.005), "tight first %v: the per-user budget is not overspent (%s)", tightFirst, d.Explain())
		assert.LessOrEqual(t, d.CostCap.Max, 0.005+1e-12, "tight first %v: the cap is the smaller grant", tightFirst)
	}
}
