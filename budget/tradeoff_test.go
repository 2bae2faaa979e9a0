package budget_test

import (
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/budget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTradeoff(t *testing.T) {
	models := []llmrouter.ModelCard{{Name: "a"}, {Name: "b"}, {Name: "c"}}
	cands := func() []llmrouter.Candidate {
		return []llmrouter.Candidate{
			{Model: "a", Index: 0, Quality: 0.60, Cost: 0.0001},
			{Model: "b", Index: 1, Quality: 0.80, Cost: 0.002},
			{Model: "c", Index: 2, Quality: 0.90, Cost: 0.02},
		}
	}
	p := budget.Tradeoff{Lambda: 50, Tiers: map[string]float64{"free": 500, "pro": 0}}
	for _, tc := range []struct {
		name   string
		tier   string
		remove int // index removed before the rule; -1 none
		want   []string
	}{
		{"default λ 50: b (0.70) beats c (−0.10) and a (0.595)", "", -1, []string{"b", "a", "c"}},
		{"free λ 500: a (0.55) beats b (−0.20)", "free", -1, []string{"a", "b", "c"}},
		{"pro λ 0: best quality", "pro", -1, []string{"c", "b", "a"}},
		{"an unknown tier gets the default λ", "gold", -1, []string{"b", "a", "c"}},
		{"removed models stay out", "", 1, []string{"a", "c"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &llmrouter.Routing{Hints: llmrouter.Hints{Tier: tc.tier}, Models: models, Candidates: cands()}
			if tc.remove >= 0 {
				r.Remove(tc.remove, "test")
			}
			require.NoError(t, p.Apply(r))
			var got []string
			for _, s := range r.Plan {
				got = append(got, s.Model)
			}
			assert.Equal(t, tc.want, got)
			assert.Contains(t, r.Plan[0].Reason, budget.ReasonTradeoff)
		})
	}
	require.ErrorContains(t, budget.Tradeoff{Lambda: -1}.Validate(nil), "Lambda -1")
	require.ErrorContains(t, budget.Tradeoff{Tiers: map[string]float64{"x": nan()}}.Validate(nil), `tier "x"`)
	_, err := llmrouter.New([]llmrouter.Provider{&meter{card: cheapCard}}, llmrouter.WithPolicy(llmrouter.DefaultPolicy(budget.Tradeoff{Lambda: -1})))
	require.ErrorContains(t, err, "Lambda -1", "New validates the rule through DefaultPolicy")
}
