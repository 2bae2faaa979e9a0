package bandit_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/bandit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// randomRouting is a Routing over five models with random predicted
// qualities and costs: CheapestAdequate's pick (the cheapest model above
// its threshold) and the highest quality − λ·cost often differ on it.
func randomRouting(rng *rand.Rand, id string) *llmrouter.Routing {
	r := &llmrouter.Routing{Features: &llmrouter.Features{Tokens: 1 + rng.IntN(2000), Code: rng.Float64()},
		Prediction: &llmrouter.Prediction{Difficulty: rng.Float64()}, DecisionID: id}
	for i, n := range []string{"a", "b", "c", "d", "e"} {
		r.Models = append(r.Models, llmrouter.ModelCard{Name: n})
		r.Candidates = append(r.Candidates, llmrouter.Candidate{Model: n, Index: i,
			Quality: 0.4 + 0.6*rng.Float64(), Cost: 0.01 * rng.Float64()})
	}
	return r
}

// The warm start is the live policy: a bandit with no evidence routes every
// request exactly as its Base does (its greedy choice is the Base plan's
// first model), whatever its reading of quality − λ·cost says; with
// exploration on, every greedy step is still the Base's choice.
func TestNoFeedbackChoosesAsBase(t *testing.T) {
	for _, tc := range []struct {
		name   string
		base   llmrouter.Policy
		lambda float64
	}{
		{"default policy, λ 30", nil, 30},
		{"default policy, λ 0", nil, 0},
		{"cheapest adequate 0.8, λ 100", llmrouter.DefaultPolicy(llmrouter.CheapestAdequate{MinQuality: 0.8}), 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, explore := range []float64{-1, 0.5} {
				p, err := bandit.New([]string{"a", "b", "c", "d", "e"}, bandit.Options{Seed: 7, CostWeight: tc.lambda,
					MaxExploreShare: explore, MaxExploreCost: 1, Base: tc.base})
				require.NoError(t, err)
				base := tc.base
				if base == nil {
					base = llmrouter.DefaultPolicy()
				}
				rng := rand.New(rand.NewPCG(3, 4))
				differ, explored := 0, 0
				for i := range 300 {
					r := randomRouting(rng, "")
					want := *r
					want.Candidates = append([]llmrouter.Candidate(nil), r.Candidates...)
					require.NoError(t, base.Apply(&want))
					require.NoError(t, p.Apply(r))
					live := want.Plan[0].Model
					greedy := -1.0
					for _, c := range r.Candidates {
						greedy = max(greedy, c.Quality-tc.lambda*c.Cost)
					}
					if c := want.Candidates[want.Plan[0].Index]; c.Quality-tc.lambda*c.Cost < greedy {
						differ++
					}
					if explore < 0 {
						require.Equal(t, live, r.Plan[0].Model, "request %d: no evidence, no exploration", i)
						assert.Equal(t, 1.0, r.Propensity)
						continue
					}
					if r.Plan[0].Reason == bandit.ReasonExplore || r.Plan[0].Reason == bandit.ReasonKeptExplore {
						explored++
						continue
					}
					require.Equal(t, live, r.Plan[0].Model, "request %d: the greedy choice", i)
				}
				assert.Greater(t, differ, 30, "the Base and the greedy reading of the prediction must disagree often for the test to mean anything")
				if explore > 0 {
					assert.Positive(t, explored)
				}
			}
		})
	}
}

// A grade joined later through the logged decision (UpdateDecision) finds
// the Base's choice in the logged plan, whether the bandit kept it first or
// moved its own choice ahead of it, and teaches the arms exactly as the
// pending context does.
func TestUpdateDecisionFindsBaseChoice(t *testing.T) {
	models := []string{"a", "b", "c", "d", "e"}
	opt := bandit.Options{Seed: 5, CostWeight: 30, MaxExploreShare: 1, MaxExploreCost: 1, MaxExploreAway: 1, MaxExploreRegret: -1, Noise: 5}
	rng := rand.New(rand.NewPCG(1, 2))
	seen := map[string]bool{}
	for i := 0; len(seen) < 2 && i < 200; i++ {
		p, err := bandit.New(models, opt)
		require.NoError(t, err)
		q, err := bandit.New(models, opt)
		require.NoError(t, err)
		r := randomRouting(rng, "d")
		base := *r
		base.Candidates = append([]llmrouter.Candidate(nil), r.Candidates...)
		require.NoError(t, llmrouter.DefaultPolicy().Apply(&base))
		live := base.Plan[0].Model
		require.NoError(t, p.Apply(r))
		kept := r.Plan[0].Model == live
		if seen[fmt.Sprint(kept)] {
			continue
		}
		seen[fmt.Sprint(kept)] = true
		require.NoError(t, p.Update("d", live, 0.9))
		d := &llmrouter.Decision{ID: "d", Features: *r.Features, Prediction: *r.Prediction, Candidates: r.Candidates,
			Plan: r.Plan, Model: r.Plan[0].Model}
		require.NoError(t, q.UpdateDecision(d, live, 0.9))
		var bp, bq bytes.Buffer
		_, err = p.WriteTo(&bp)
		require.NoError(t, err)
		_, err = q.WriteTo(&bq)
		require.NoError(t, err)
		assert.Equal(t, armsOf(bp.Bytes(), len(models)), armsOf(bq.Bytes(), len(models)), "kept the Base's choice first: %v", kept)
	}
	assert.Len(t, seen, 2, "both a kept and a departed choice were tried")
}
