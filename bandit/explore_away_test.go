package bandit_test

import (
	"fmt"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/bandit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// inOrder is a Base policy that plans a, b, c in that order: the live
// choice is a.
var inOrder = llmrouter.PolicyFunc(func(r *llmrouter.Routing) error {
	for i, c := range r.Candidates {
		r.Plan = append(r.Plan, llmrouter.Step{Model: c.Model, Index: i, Reason: "in order"})
	}
	return nil
})

// MaxExploreAway caps the decisions that explore a model other than the
// live choice, at every decision; negative never explores away. With no
// grades the greedy choice is the live one, so every exploring decision
// here is one away from it.
func TestExploreAwayCap(t *testing.T) {
	for _, tt := range []struct {
		name     string
		away     float64
		min, max int64 // ExploredAway after 2000 decisions
	}{
		{"never", -1, 0, 0},
		{"5%", 0.05, 20, 100},
		{"no separate cap", 1, 600, 2000},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := bandit.New(names, bandit.Options{Seed: 3, Base: inOrder, Noise: 5, MaxExploreShare: 1,
				MaxExploreCost: 1, MaxExploreRegret: -1, MaxExploreAway: tt.away})
			require.NoError(t, err)
			for i := range 2000 {
				r := routing(fmt.Sprint(i), 0)
				require.NoError(t, p.Apply(r))
				st := p.Stats()
				if tt.away < 0 {
					require.Equal(t, "a", r.Plan[0].Model, "decision %d", i)
				} else {
					require.LessOrEqual(t, float64(st.ExploredAway), tt.away*float64(st.Decisions)+1e-9, "decision %d", i)
				}
				require.Equal(t, st.Explored, st.ExploredAway, "greedy is live: all exploring is away")
			}
			st := p.Stats()
			assert.GreaterOrEqual(t, st.ExploredAway, tt.min)
			assert.LessOrEqual(t, st.ExploredAway, tt.max)
		})
	}
}

// When the greedy choice departs from the live one, exploring back to the
// live choice is allowed with exploring away spent: it is what corrects
// a departure made on an arm's prior alone.
func TestExploreBackToLive(t *testing.T) {
	p, err := bandit.New(names, bandit.Options{Seed: 4, Base: inOrder, Noise: 5, MaxExploreShare: 1,
		MaxExploreCost: 1, MaxExploreRegret: -1, MaxExploreAway: -1, MinDepartChance: -1})
	require.NoError(t, err)
	// Teach the live choice a that it scores 0: the greedy moves to b or c.
	for i := range 50 {
		id := fmt.Sprint("t", i)
		require.NoError(t, p.Apply(routing(id, 0)))
		require.NoError(t, p.Update(id, "a", 0))
	}
	reasons := map[string]int{}
	for i := range 500 {
		r := routing(fmt.Sprint(i), 0)
		require.NoError(t, p.Apply(r))
		reasons[r.Plan[0].Reason]++
		if r.Plan[0].Reason == bandit.ReasonKeptExplore {
			assert.Equal(t, "a", r.Plan[0].Model)
			assert.Less(t, r.Propensity, 1.0)
		}
	}
	assert.Positive(t, reasons[bandit.ReasonGreedy], "the greedy choice departed: %v", reasons)
	assert.Positive(t, reasons[bandit.ReasonKeptExplore], "explored back to the live choice: %v", reasons)
	assert.Zero(t, reasons[bandit.ReasonExplore], "never explored away from it: %v", reasons)
	assert.Zero(t, p.Stats().ExploredAway)
}
