package bandit

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var sharedT0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func sharedRouting(id string, code float64) *llmrouter.Routing {
	r := &llmrouter.Routing{Now: sharedT0, Features: &llmrouter.Features{Tokens: 100, Code: code},
		Prediction: &llmrouter.Prediction{Difficulty: 0.5}, DecisionID: id}
	for i, n := range []string{"a", "b", "c"} {
		r.Models = append(r.Models, llmrouter.ModelCard{Name: n})
		r.Candidates = append(r.Candidates, llmrouter.Candidate{Model: n, Index: i, Quality: 0.5, Cost: 0.001 * float64(i)})
	}
	return r
}

// teach makes p decide and learn n decisions (ids prefixed by tag),
// rewarding "c" on code and "a" otherwise.
func teach(t *testing.T, p *Policy, tag string, n int, rng *rand.Rand) {
	t.Helper()
	for i := range n {
		code := float64(rng.IntN(2))
		id := fmt.Sprintf("%s%d", tag, i)
		r := sharedRouting(id, code)
		require.NoError(t, p.Apply(r))
		reward := 0.2
		if m := r.Plan[0].Model; m == "c" && code == 1 || m == "a" && code == 0 {
			reward = 0.9
		}
		require.NoError(t, p.Update(id, r.Plan[0].Model, reward))
	}
}

func requireSameArms(t *testing.T, want, got *Policy, msg string) {
	t.Helper()
	wa, ga := *want.state.Load(), *got.state.Load()
	for k, name := range want.names {
		g := ga[got.arms[name]]
		require.Equal(t, wa[k].n, g.n, "%s: arm %s's update count", msg, name)
		for i := range contextDim {
			require.InDelta(t, wa[k].mu[i], g.mu[i], 1e-9, "%s: arm %s's mean", msg, name)
			require.InDelta(t, wa[k].ainv[i][i], g.ainv[i][i], 1e-9, "%s: arm %s's covariance", msg, name)
		}
	}
}

// TestArmFromTotals: an arm rebuilt from the sums of its updates'
// increments is the arm Sherman–Morrison built one update at a time; bad
// totals are refused.
func TestArmFromTotals(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	seq := newArm(DefaultRidge)
	tot := make([]float64, sharedLen)
	for range 500 {
		var x vec
		for i := range x {
			x[i] = 2 * rng.Float64()
		}
		y := rng.NormFloat64()
		seq.update(x, y)
		for i, v := range increments(x, y) {
			tot[i] += v
		}
	}
	got, ok := armFromTotals(tot, DefaultRidge)
	require.True(t, ok)
	assert.Equal(t, seq.n, got.n)
	for i := range contextDim {
		assert.InDelta(t, seq.mu[i], got.mu[i], 1e-9)
		for j := range contextDim {
			assert.InDelta(t, seq.ainv[i][j], got.ainv[i][j], 1e-9)
		}
	}
	for _, tc := range []struct {
		name string
		t    []float64
	}{
		{"short", tot[:sharedLen-1]},
		{"NaN", append([]float64{1, math.NaN()}, tot[2:]...)},
		{"Inf in b", append(append([]float64(nil), tot[:sharedLen-1]...), math.Inf(1))},
		{"negative count", append([]float64{-1}, tot[1:]...)},
		{"not positive definite", append([]float64{1, -10}, tot[2:]...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, ok := armFromTotals(tc.t, DefaultRidge)
			assert.False(t, ok)
		})
	}
}

// TestSharedLearnTogether: two policies on one MemoryShared learn as one:
// B, which learnt nothing, holds A's arms at its next decision; after both
// learn, both hold the same arms, with all updates counted once.
func TestSharedLearnTogether(t *testing.T) {
	sh := &MemoryShared{}
	a, err := New([]string{"a", "b", "c"}, Options{Seed: 7, Shared: sh})
	require.NoError(t, err)
	b, err := New([]string{"c", "b", "a"}, Options{Seed: 8, Shared: sh}) // another order: keys are names
	require.NoError(t, err)
	alone, err := New([]string{"a", "b", "c"}, Options{Seed: 7})
	require.NoError(t, err)

	teach(t, a, "a", 300, rand.New(rand.NewPCG(1, 1)))
	teach(t, alone, "a", 300, rand.New(rand.NewPCG(1, 1)))
	requireSameArms(t, alone, a, "A with Shared learns as alone")
	require.NoError(t, b.Apply(sharedRouting("b-probe", 0)))
	requireSameArms(t, a, b, "B after A's updates")

	teach(t, b, "b", 200, rand.New(rand.NewPCG(2, 2)))
	require.NoError(t, a.Apply(sharedRouting("a-probe", 1)))
	requireSameArms(t, b, a, "A after B's updates")
	var total int64
	for _, arm := range *a.state.Load() {
		total += arm.n
	}
	assert.Equal(t, int64(500), total, "every update counted once")
}

// TestSharedBadTotalsKeepArm: totals a replica cannot use leave its arm
// as it was.
func TestSharedBadTotalsKeepArm(t *testing.T) {
	sh := &MemoryShared{}
	p, err := New([]string{"a", "b", "c"}, Options{Seed: 7, Shared: sh})
	require.NoError(t, err)
	teach(t, p, "p", 50, rand.New(rand.NewPCG(1, 1)))
	before := *p.state.Load()
	sh.Add(learnerLayout+"b", []float64{math.NaN()}) // poisons b's totals
	require.NoError(t, p.Apply(sharedRouting("probe", 0)))
	after := *p.state.Load()
	assert.Same(t, before[1], after[1], "b kept its arm")
	assert.Equal(t, before[0].n, after[0].n, "a rebuilt from its totals")
}

// TestSharedLayoutOfEarlierRelease: replicas of the release before the warm
// start (an 8-feature context) share a store with this one during a rolling
// upgrade. Their totals have another length and meaning, so this release
// keeps its own keys: it neither adds to theirs nor reads them as its own.
func TestSharedLayoutOfEarlierRelease(t *testing.T) {
	sh := &MemoryShared{}
	const oldLen = 1 + 8*9/2 + 8 // one update's increments at 8 features
	inc := make([]float64, oldLen)
	for i := range inc {
		inc[i] = 1
	}
	oldKeys := []string{"lints8/a", "lints8/b", "lints8/c"}
	for _, k := range oldKeys {
		for range 50 {
			sh.Add(k, inc)
		}
	}
	p, err := New([]string{"a", "b", "c"}, Options{Shared: sh, Seed: 1})
	require.NoError(t, err)
	teach(t, p, "u", 20, rand.New(rand.NewPCG(1, 2)))

	tot, _ := sh.Totals(oldKeys, sharedT0, 0)
	for i, k := range oldKeys {
		require.Len(t, tot[i], oldLen, "%s: the earlier release's totals", k)
		require.Equal(t, 50.0, tot[i][0], k)
	}
	var n int64
	for _, a := range *p.state.Load() {
		n += a.n
	}
	require.EqualValues(t, 20, n, "this release's arms hold its own updates only")
}
