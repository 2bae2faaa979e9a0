package bandit_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/bandit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var names = []string{"a", "b", "c"}

// routing builds the Routing a router would hand the policy: every model a
// candidate at the same predicted quality and cost, code signal as given.
func routing(id string, code float64, costs ...float64) *llmrouter.Routing {
	r := &llmrouter.Routing{Features: &llmrouter.Features{Tokens: 100, Code: code},
		Prediction: &llmrouter.Prediction{Difficulty: 0.5}, DecisionID: id}
	for i, n := range names {
		c := 0.0
		if i < len(costs) {
			c = costs[i]
		}
		r.Models = append(r.Models, llmrouter.ModelCard{Name: n})
		r.Candidates = append(r.Candidates, llmrouter.Candidate{Model: n, Index: i, Quality: 0.5, Cost: c})
	}
	return r
}

// best is the synthetic problem: for code, c is right; otherwise a.
func best(code float64) string {
	if code > 0.5 {
		return "c"
	}
	return "a"
}

// A deterministic, seeded learning run: one arm is best per context; the
// bandit must learn both contexts' best arm from grades alone.
func TestLearnsBestArmPerContext(t *testing.T) {
	p, err := bandit.New(names, bandit.Options{Seed: 7, MaxExploreShare: 0.3})
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(1, 1))
	right := 0
	for i := range 3000 {
		code := float64(rng.IntN(2))
		id := fmt.Sprint(i)
		r := routing(id, code)
		require.NoError(t, p.Apply(r))
		chosen := r.Plan[0].Model
		assert.Greater(t, r.Propensity, 0.0)
		assert.LessOrEqual(t, r.Propensity, 1.0)
		reward := 0.2
		if chosen == best(code) {
			reward = 0.9
		}
		require.NoError(t, p.Update(id, chosen, reward))
		if i >= 2500 && chosen == best(code) {
			right++
		}
	}
	assert.GreaterOrEqual(t, right, 450, "right in %d of the last 500", right)
	st := p.Stats()
	assert.LessOrEqual(t, float64(st.Explored), 0.3*float64(st.Decisions)+1e-9)
	assert.Equal(t, int64(3000), st.Updates)
}

// Shadow mode computes a choice, counts disagreements and learns, but the
// Routing is exactly what the Base policy made of it.
func TestShadowActsOnNothing(t *testing.T) {
	p, err := bandit.New(names, bandit.Options{Seed: 3, Shadow: true, MaxExploreShare: 1})
	require.NoError(t, err)
	for i := range 200 {
		id := fmt.Sprint(i)
		got, want := routing(id, 1, 0.003, 0.002, 0.001), routing(id, 1, 0.003, 0.002, 0.001)
		require.NoError(t, llmrouter.DefaultPolicy().Apply(want))
		require.NoError(t, p.Apply(got))
		require.Equal(t, want, got, "decision %d", i)
		require.NoError(t, p.Update(id, got.Plan[0].Model, 0))
	}
	st := p.Stats()
	assert.Positive(t, st.Disagreements, "a bandit exploring freely disagrees sometimes")
	assert.Equal(t, int64(200), st.Decisions)
	assert.Equal(t, int64(200), st.Updates)
}

func TestFeedbackUsesRecordedModelAndCost(t *testing.T) {
	p, err := bandit.New(names, bandit.Options{Seed: 1, CostWeight: 100, MaxExploreShare: -1})
	require.NoError(t, err)
	r := routing("d1", 0, 0.01, 0.01, 0.01)
	require.NoError(t, p.Apply(r))
	assert.Equal(t, 1.0, r.Propensity, "no exploration: a certain choice")
	p.Record(&llmrouter.Decision{ID: "d1", Answered: "b", Cost: 0.002})
	require.NoError(t, p.Feedback(context.Background(), "d1", 1, "judge"))
	require.ErrorIs(t, p.Feedback(context.Background(), "d1", 1, ""), bandit.ErrDuplicate)
	require.ErrorIs(t, p.Feedback(context.Background(), "nope", 1, ""), bandit.ErrUnknownDecision)
	require.ErrorContains(t, p.Feedback(context.Background(), "d1", 2, ""), "outside [0,1]")
	require.ErrorContains(t, p.Update("d1", "zz", 1), `unknown model "zz"`)
	// b learnt reward 1 − 100·0.002 = 0.8 against its prior 0.5 − 1 = −0.5:
	// b is now the greedy choice.
	r2 := routing("d2", 0, 0.01, 0.01, 0.01)
	require.NoError(t, p.Apply(r2))
	assert.Equal(t, "b", r2.Plan[0].Model)
	assert.Equal(t, bandit.ReasonGreedy, r2.Plan[0].Reason)
	assert.Len(t, r2.Plan, 3, "the Base plan's other models stay as fallbacks")
	// The same grade through the logged decision (context recomputed).
	q, err := bandit.New(names, bandit.Options{Seed: 1, CostWeight: 100, MaxExploreShare: -1})
	require.NoError(t, err)
	d := &llmrouter.Decision{ID: "d1", Features: *r.Features, Prediction: *r.Prediction, Candidates: r.Candidates, Model: r.Plan[0].Model}
	require.NoError(t, q.UpdateDecision(d, "b", 0.8))
	var bp, bq bytes.Buffer
	_, err = p.WriteTo(&bp)
	require.NoError(t, err)
	_, err = q.WriteTo(&bq)
	require.NoError(t, err)
	// Same learnt arms (the counters differ: q routed nothing).
	assert.Equal(t, armsOf(bp.Bytes(), 3), armsOf(bq.Bytes(), 3))
}

func TestExplorationCostCap(t *testing.T) {
	// a is cheap and greedy; b and c are 100× dearer: exploring them may
	// add at most 5% to the spend.
	p, err := bandit.New(names, bandit.Options{Seed: 5, MaxExploreShare: 1, MaxExploreCost: 0.05, Noise: 5})
	require.NoError(t, err)
	for i := range 2000 {
		r := routing(fmt.Sprint(i), 0, 0.0001, 0.01, 0.01)
		r.Candidates[0].Quality = 0.6
		require.NoError(t, p.Apply(r))
		st := p.Stats()
		require.LessOrEqual(t, st.ExploreExtraUSD, 0.05*st.SpendUSD+1e-12, "decision %d", i)
	}
	assert.Positive(t, p.Stats().Explored)
}

func trained(t *testing.T, seed uint64) *bandit.Policy {
	p, err := bandit.New(names, bandit.Options{Seed: seed, MaxExploreShare: 0.5})
	require.NoError(t, err)
	for i := range 300 {
		id := fmt.Sprint(i)
		r := routing(id, float64(i%2))
		require.NoError(t, p.Apply(r))
		require.NoError(t, p.Update(id, r.Plan[0].Model, float64(i%3)/2))
	}
	return p
}

func TestSaveLoadRoundTrip(t *testing.T) {
	p := trained(t, 9)
	path := filepath.Join(t.TempDir(), "bandit.state")
	require.NoError(t, p.Save(path))
	q, err := bandit.New([]string{"c", "b", "a"}, bandit.Options{Seed: 9, MaxExploreShare: 0.5})
	require.NoError(t, err)
	require.NoError(t, q.Load(path))
	// Same means: with exploration off both choose alike on every context.
	for i := range 50 {
		r1, r2 := routing("x", float64(i%2)), routing("x", float64(i%2))
		r1.Features.Tokens, r2.Features.Tokens = 10*i, 10*i
		pg, _ := bandit.New(names, bandit.Options{Seed: 1, MaxExploreShare: -1})
		require.NoError(t, pg.Load(path))
		require.NoError(t, pg.Apply(r1))
		qg, _ := bandit.New([]string{"b", "a", "c"}, bandit.Options{Seed: 2, MaxExploreShare: -1})
		require.NoError(t, qg.Load(path))
		require.NoError(t, qg.Apply(r2))
		assert.Equal(t, r1.Plan[0].Model, r2.Plan[0].Model)
	}
	ps, qs := p.Stats(), q.Stats()
	assert.Equal(t, ps.Decisions, qs.Decisions)
	assert.Equal(t, ps.Explored, qs.Explored)
}

func TestLoadRejectsBadState(t *testing.T) {
	var good bytes.Buffer
	_, err := trained(t, 4).WriteTo(&good)
	require.NoError(t, err)
	g := good.Bytes()
	resum := func(b []byte) []byte { // a valid checksum over a tampered body
		out := append([]byte(nil), b[:len(b)-4]...)
		return binary.LittleEndian.AppendUint32(out, crc32c(out))
	}
	flip := func(i int) []byte { b := append([]byte(nil), g...); b[i] ^= 0xff; return b }
	for _, tt := range []struct {
		name string
		data []byte
		opt  bandit.Options
		want string
	}{
		{"empty", nil, bandit.Options{}, "no \"llmrbndt\" header"},
		{"not a state", []byte("hello world, not a state"), bandit.Options{}, "header"},
		{"truncated", g[:len(g)-20], bandit.Options{}, "checksum"},
		{"bit flip", flip(100), bandit.Options{}, "checksum"},
		{"version", resum(func() []byte { b := append([]byte(nil), g...); b[8] = 9; return b }()), bandit.Options{}, "version 9"},
		{"other cost weight", g, bandit.Options{CostWeight: 3}, "CostWeight"},
		{"NaN in matrix", resum(func() []byte {
			b := append([]byte(nil), g...)
			binary.LittleEndian.PutUint64(b[79:], math.Float64bits(math.NaN()))
			return b
		}()), bandit.Options{}, "not finite"},
		{"huge", bytes.Repeat([]byte("llmrbndt"), 1<<20), bandit.Options{MaxPending: 10}, "longer than"},
		{"trailing", resum(append(append([]byte(nil), g[:len(g)-4]...), 1, 2, 3, 4, 0, 0, 0, 0)), bandit.Options{}, "after the last pending decision"},
		{"pending count", resum(func() []byte {
			b := append([]byte(nil), g...)
			binary.LittleEndian.PutUint32(b[pendingAt(3):], 1<<30)
			return b
		}()), bandit.Options{}, "do not fit"},
		{"pending model out of range", resum(func() []byte {
			b := append([]byte(nil), g...)
			at := pendingAt(3) + 4 // the first pending decision
			at += 2 + int(binary.LittleEndian.Uint16(b[at:])) + 8*9
			binary.LittleEndian.PutUint16(b[at:], 7) // chosen: model number 7 of 3
			return b
		}()), bandit.Options{}, "model number out of range"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.opt.Seed, tt.opt.MaxExploreShare = 4, 0.5
			p, err := bandit.New(names, tt.opt)
			require.NoError(t, err)
			before := p.Stats()
			_, err = p.ReadFrom(bytes.NewReader(tt.data))
			require.ErrorIs(t, err, bandit.ErrState)
			assert.ErrorContains(t, err, tt.want)
			assert.Equal(t, before, p.Stats(), "left unchanged")
		})
	}
	other, err := bandit.New([]string{"a", "b", "z"}, bandit.Options{Seed: 4, MaxExploreShare: 0.5})
	require.NoError(t, err)
	_, err = other.ReadFrom(bytes.NewReader(g))
	require.ErrorContains(t, err, `model "c" is unknown`)
}

// Apply and updates at once, under -race: no race, every update counted.
func TestConcurrentApplyAndUpdate(t *testing.T) {
	p, err := bandit.New(names, bandit.Options{Seed: 11})
	require.NoError(t, err)
	var wg sync.WaitGroup
	ids := make(chan string, 1000)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 250 {
				id := fmt.Sprintf("%d-%d", w, i)
				r := routing(id, float64(i%2))
				if err := p.Apply(r); err != nil {
					t.Error(err)
					return
				}
				ids <- id + "|" + r.Plan[0].Model
			}
		}()
	}
	var uw sync.WaitGroup
	var errs []error
	var mu sync.Mutex
	for range 2 {
		uw.Add(1)
		go func() {
			defer uw.Done()
			for s := range ids {
				var id, model string
				for i := range s {
					if s[i] == '|' {
						id, model = s[:i], s[i+1:]
					}
				}
				if err := p.Update(id, model, 0.5); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
				var b bytes.Buffer
				if _, err := p.WriteTo(&b); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	close(ids)
	uw.Wait()
	require.Empty(t, errs)
	assert.Equal(t, int64(1000), p.Stats().Updates)
	assert.Equal(t, int64(1000), p.Stats().Decisions)
}

func TestNewRejectsBadOptions(t *testing.T) {
	for _, tt := range []struct {
		name   string
		models []string
		opt    bandit.Options
		want   string
	}{
		{"no models", nil, bandit.Options{}, "0 models"},
		{"repeated", []string{"a", "a"}, bandit.Options{}, "repeated"},
		{"NaN weight", names, bandit.Options{CostWeight: math.NaN()}, "CostWeight"},
		{"negative weight", names, bandit.Options{CostWeight: -1}, "negative"},
		{"share above 1", names, bandit.Options{MaxExploreShare: 2}, "above 1"},
		// Pool is documented in [0, 1]; a negative one was taken as 0
		// (off) without a word.
		{"negative pool", names, bandit.Options{Pool: -0.5}, "bandit: Options.Pool -0.5 is negative; want [0, 1] (0: each arm learns alone)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bandit.New(tt.models, tt.opt)
			require.ErrorContains(t, err, tt.want)
		})
	}
}

// The regret budget: exploring gives up at most MaxExploreRegret of
// expected reward per decision, so a policy told to explore freely (a wide
// posterior, no share or spend cap) explores far less when the models it
// would try are plainly worse; it still explores.
func TestExplorationRegretCap(t *testing.T) {
	explored := func(maxRegret float64) bandit.Stats {
		p, err := bandit.New(names, bandit.Options{Seed: 5, MaxExploreShare: 1, MaxExploreCost: 1, MaxExploreAway: 1, MaxExploreRegret: maxRegret, Noise: 5})
		require.NoError(t, err)
		for i := range 2000 {
			r := routing(fmt.Sprint(i), 0)
			r.Candidates[0].Quality, r.Candidates[1].Quality, r.Candidates[2].Quality = 0.9, 0.6, 0.2
			require.NoError(t, p.Apply(r))
			if st := p.Stats(); maxRegret > 0 {
				require.LessOrEqual(t, st.ExploreRegret, maxRegret*float64(st.Decisions)+1e-9, "decision %d", i)
			}
		}
		return p.Stats()
	}
	free, capped := explored(-1), explored(0.02)
	assert.Greater(t, free.Explored, int64(1000), "uncapped, a wide posterior explores about 2 decisions in 3")
	assert.Positive(t, capped.Explored)
	assert.Less(t, capped.Explored, free.Explored/5)
	assert.Greater(t, free.ExploreRegret, 0.02*2000, "the uncapped run gives up more than the cap allows")
}

// A restored state holds no regret counter: the budget counts as spent,
// so a restart does not set off a burst of exploring.
func TestRestoredRegretBudgetSpent(t *testing.T) {
	p := trained(t, 4)
	var buf bytes.Buffer
	_, err := p.WriteTo(&buf)
	require.NoError(t, err)
	q, err := bandit.New(names, bandit.Options{Seed: 4, MaxExploreShare: 0.5, MaxExploreRegret: 0.01})
	require.NoError(t, err)
	_, err = q.ReadFrom(&buf)
	require.NoError(t, err)
	st := q.Stats()
	require.EqualValues(t, 300, st.Decisions)
	assert.InDelta(t, 3.0, st.ExploreRegret, 1e-12)
	assert.Equal(t, st.Explored, st.ExploredAway, "the away budget counts as spent too")
}
