package bandit_test

import (
	"fmt"
	"testing"

	"github.com/llmrouter/llmrouter/bandit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// MinExploreChance keeps out of the draw every model whose posterior
// chance of beating the greedy one is below it. With no grades the live
// choice a is greedy by the warm-start margin, so b and c beat it with a
// chance just under 1/2 when the spreads are wide (Noise 5), and well
// under it when they are narrow.
func TestMinExploreChance(t *testing.T) {
	for _, tt := range []struct {
		name     string
		chance   float64
		noise    float64
		min, max int64 // Explored after 1000 decisions
	}{
		{"off", 0, 5, 300, 1000},
		{"wide spreads pass 0.4", 0.4, 5, 300, 1000},
		{"nothing reaches 0.5", 0.5, 5, 0, 0},
		{"narrow spreads stay below 0.4", 0.4, 0.05, 0, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := bandit.New(names, bandit.Options{Seed: 5, Base: inOrder, Noise: tt.noise, MaxExploreShare: 1,
				MaxExploreCost: 1, MaxExploreRegret: -1, MaxExploreAway: 1, ExploreDecay: -1, MinExploreChance: tt.chance})
			require.NoError(t, err)
			for i := range 1000 {
				r := routing(fmt.Sprint(i), 0)
				require.NoError(t, p.Apply(r))
				if r.Plan[0].Model == "a" {
					assert.Equal(t, bandit.ReasonKept, r.Plan[0].Reason)
				}
			}
			st := p.Stats()
			assert.GreaterOrEqual(t, st.Explored, tt.min)
			assert.LessOrEqual(t, st.Explored, tt.max)
		})
	}
}

// The live choice is exempt: once the greedy choice departs from it,
// exploring back to it goes on however low its chance, while the other
// departure (c, level with the greedy b: chance 1/2) stays out.
func TestMinExploreChanceKeepsLive(t *testing.T) {
	p, err := bandit.New(names, bandit.Options{Seed: 4, Base: inOrder, Noise: 5, MaxExploreShare: 1,
		MaxExploreCost: 1, MaxExploreRegret: -1, MaxExploreAway: 1, MinExploreChance: 0.51, MinDepartChance: -1})
	require.NoError(t, err)
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
	}
	assert.Positive(t, reasons[bandit.ReasonGreedy], "%v", reasons)
	assert.Positive(t, reasons[bandit.ReasonKeptExplore], "explored back to the live choice: %v", reasons)
	assert.Zero(t, reasons[bandit.ReasonExplore], "never explored the other departure: %v", reasons)
}

func TestMinExploreChanceRange(t *testing.T) {
	for _, c := range []float64{-0.1, 1.5} {
		_, err := bandit.New(names, bandit.Options{MinExploreChance: c})
		require.ErrorContains(t, err, "MinExploreChance", "chance %v", c)
	}
	// MinDepartChance: negative turns the gate off; above 1 is an error.
	_, err := bandit.New(names, bandit.Options{MinDepartChance: 1.5})
	require.ErrorContains(t, err, "MinDepartChance")
	_, err = bandit.New(names, bandit.Options{MinDepartChance: -0.1})
	require.NoError(t, err)
}

// MinDepartChance keeps the greedy choice on the live one until the
// posterior chance that the departure beats it reaches the setting: a
// few bad grades of the live choice under wide spreads do not move it,
// many do.
func TestMinDepartChance(t *testing.T) {
	for _, tt := range []struct {
		name   string
		depart float64
		noise  float64
		grades int
		live   bool // the choice stays a
	}{
		{"off (negative) departs on 3 grades", -1, 5, 3, false},
		{"the default (0: 0.65) holds on 3 grades", 0, 5, 3, true},
		{"0.65 holds on 3 grades", 0.65, 5, 3, true},
		{"0.9 holds on 3 grades", 0.9, 5, 3, true},
		{"0.9 departs on 200 grades, narrower spreads", 0.9, 0.1, 200, false},
		{"below 1/2 is plain argmax", 0.3, 5, 3, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := bandit.New(names, bandit.Options{Seed: 6, Base: inOrder, Noise: tt.noise, MaxExploreShare: -1,
				MinDepartChance: tt.depart})
			require.NoError(t, err)
			for i := range tt.grades {
				id := fmt.Sprint("t", i)
				require.NoError(t, p.Apply(routing(id, 0)))
				require.NoError(t, p.Update(id, "a", 0))
			}
			r := routing("x", 0)
			require.NoError(t, p.Apply(r))
			if tt.live {
				assert.Equal(t, "a", r.Plan[0].Model)
				assert.Equal(t, bandit.ReasonKept, r.Plan[0].Reason)
			} else {
				assert.NotEqual(t, "a", r.Plan[0].Model)
				assert.Equal(t, bandit.ReasonGreedy, r.Plan[0].Reason)
			}
		})
	}
}
