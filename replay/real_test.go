package replay

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/internal/shareddata"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// epsilonGreedy wraps the default policy: with probability eps the plan's
// first step is a model drawn uniformly from the remaining candidates.
// It remembers the propensity of its last choice (the test routes from one
// goroutine).
type epsilonGreedy struct {
	base llmrouter.Policy
	eps  float64
	rng  *rand.Rand
	prop float64
}

func (p *epsilonGreedy) Apply(r *llmrouter.Routing) error {
	if err := p.base.Apply(r); err != nil {
		return err
	}
	var elig []int
	for i, c := range r.Candidates {
		if c.Removed == "" {
			elig = append(elig, i)
		}
	}
	greedy := r.Plan[0].Index
	pick := greedy
	if p.rng.Float64() < p.eps {
		pick = elig[p.rng.IntN(len(elig))]
	}
	p.prop = p.eps / float64(len(elig))
	if pick == greedy {
		p.prop += 1 - p.eps
	}
	k := slices.IndexFunc(r.Plan, func(s llmrouter.Step) bool { return s.Index == pick })
	step := r.Plan[k]
	step.Reason = "explore"
	r.Plan = slices.Insert(slices.Delete(r.Plan, k, k+1), 0, step)
	return nil
}

func benchRouter(t *testing.T, cards []llmrouter.ModelCard, p llmrouter.Policy) *llmrouter.Router {
	ps := make([]llmrouter.Provider, len(cards))
	for i, c := range cards {
		ps[i] = routertest.NewProvider(c)
	}
	r, err := llmrouter.New(ps, llmrouter.WithPolicy(p))
	require.NoError(t, err)
	return r
}

// The figure: a log of RouterBench's test prompts routed by an ε-greedy
// policy around the default (τ 0.7), feedback the recorded score, cost the
// recorded cost; the IPS and DR estimates of two other candidates (τ 0.6
// and 0.85) against their exact replay on the same outcomes. Cards come
// from the training file. Over 20 seeded logs, the mean estimate and the
// intervals' coverage of the exact value are reported and checked.
//
//	go test -run TestRouterBenchOffPolicy -v ./replay
func TestRouterBenchOffPolicy(t *testing.T) {
	if testing.Short() {
		t.Skip("real data: skipped in -short")
	}
	if raceEnabled {
		t.Skip("20 logs of 952 routed prompts: minutes under -race; run it without -race")
	}
	trainDS, err := dataset.Load(shareddata.Path(t, "routerbench-train.jsonl"))
	require.NoError(t, err)
	testDS, err := dataset.Load(shareddata.Path(t, "routerbench-test.jsonl"))
	require.NoError(t, err)
	cards, err := CardsFromOutcomes(trainDS.Records)
	require.NoError(t, err)
	const eps, seeds = 0.3, 20
	ctx := context.Background()

	greedy, err := Exact(ctx, testDS.Records, RouterChooser(benchRouter(t, cards, llmrouter.DefaultPolicy())))
	require.NoError(t, err)
	t.Logf("logging policy: default classifier, CheapestAdequate τ=0.7, ε=%.1f-greedy over the remaining models; its greedy part replayed exactly: quality %.4f, $%.6f/request", eps, greedy.Quality, greedy.Cost)
	logs := make([][]Logged, seeds)
	for seed := range logs {
		eg := &epsilonGreedy{base: llmrouter.DefaultPolicy(), eps: eps, rng: rand.New(rand.NewPCG(uint64(seed+1), 7))}
		logger := benchRouter(t, cards, eg)
		dir := t.TempDir()
		lf := newLogFile(t, dir, "log.jsonl")
		for _, rec := range testDS.Records {
			d := route(t, logger, rec.Prompt)
			o := rec.Outcomes[d.Model]
			c, _ := o.CostValue()
			lf.decision(d, ptr(eg.prop), c)
			lf.feedback(d.ID, o.Score)
		}
		logged, st, err := ReadLog(dir)
		require.NoError(t, err)
		require.Equal(t, len(testDS.Records), st.Joined)
		logs[seed] = logged
	}
	for _, tau := range []float64{0.6, 0.85} {
		cand := benchRouter(t, cards, llmrouter.DefaultPolicy(llmrouter.CheapestAdequate{MinQuality: tau}))
		exact, err := Exact(ctx, testDS.Records, RouterChooser(cand))
		require.NoError(t, err)
		t.Logf("candidate τ=%.2f, exact replay on %d prompts: quality %.4f, $%.6f/request %v", tau, exact.N, exact.Quality, exact.Cost, exact.Chosen)
		truth := map[string]float64{"IPS quality": exact.Quality, "IPS cost": exact.Cost, "DR quality": exact.Quality, "DR cost": exact.Cost}
		est := map[string][]float64{}
		cover := map[string]int{}
		for seed, logged := range logs {
			target := make([]string, len(logged))
			for i, l := range logged {
				target[i], err = RouterChooser(cand)(ctx, l.Prompt)
				require.NoError(t, err)
			}
			res, err := Estimate(logged, target, Options{})
			require.NoError(t, err)
			require.True(t, res.Estimable, res.Reason)
			for name, iv := range map[string]Interval{"IPS quality": res.IPS.Quality, "IPS cost": res.IPS.Cost, "DR quality": res.DR.Quality, "DR cost": res.DR.Cost} {
				est[name] = append(est[name], iv.Mean)
				if iv.Low <= truth[name] && truth[name] <= iv.High {
					cover[name]++
				}
			}
			if seed == 0 {
				t.Logf("  seed 1: %d decisions, the candidate agrees with the logged choice on %d, min propensity %.4f; logged policy observed quality %.4f, $%.6f",
					res.N, res.Agree, res.MinPropensity, res.Logged.Quality.Mean, res.Logged.Cost.Mean)
				t.Logf("  seed 1: IPS quality %v, cost $%.6f [%.6f, %.6f]", res.IPS.Quality, res.IPS.Cost.Mean, res.IPS.Cost.Low, res.IPS.Cost.High)
				t.Logf("  seed 1: DR  quality %v, cost $%.6f [%.6f, %.6f]", res.DR.Quality, res.DR.Cost.Mean, res.DR.Cost.Low, res.DR.Cost.High)
				t.Logf("  seed 1: DM  quality %.4f, cost $%.6f (reward model alone, biased)", res.DM.Quality.Mean, res.DM.Cost.Mean)
			}
		}
		for _, name := range []string{"IPS quality", "IPS cost", "DR quality", "DR cost"} {
			m := meanCI(est[name], 1)
			t.Logf("  %s over %d seeds: mean estimate %.6f ± %.6f (exact %.6f); the 95%% interval covers the exact value in %d of %d",
				name, seeds, m.Mean, m.StdErr, truth[name], cover[name], seeds)
			// Unbiased: the mean of the estimates is the exact value.
			assert.InDelta(t, truth[name], m.Mean, 4*m.StdErr, "%s τ=%.2f", name, tau)
			// Normal intervals under-cover when a few large importance
			// weights dominate; this bound only catches broken ones.
			assert.GreaterOrEqual(t, cover[name], 14, "%s τ=%.2f", name, tau)
		}
	}
}
