//go:build arenastudy

package verify

import (
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/eval"
	"github.com/llmrouter/llmrouter/internal/shareddata"
	"github.com/stretchr/testify/require"
)

// The Arena study's nested cross-validation and its tests (see
// arenastudy_test.go).

// nested returns candidate c's pooled out-of-fold scores on pr and the
// chosen settings per outer fold.
func (d *studyData) nested(c candidate, pr pairRows, seed uint64) ([]float64, []hyper, error) {
	n := len(pr.prompt)
	names := make([]string, n)
	in := map[int]bool{}
	for i, p := range pr.prompt {
		names[i] = d.prompts[p]
		in[p] = true
	}
	var extra []int // prompts outside the pair: always training data
	for p := range d.prompts {
		if !in[p] {
			extra = append(extra, p)
		}
	}
	folds, err := eval.GroupKFold(names, studyOuterK, seed, nil)
	if err != nil {
		return nil, nil, err
	}
	out := make([]float64, n)
	var chosen []hyper
	grid := c.grid()
	for _, f := range folds {
		best, bestA := grid[0], math.Inf(-1)
		if len(grid) > 1 {
			sub := make([]string, len(f.Train))
			for j, i := range f.Train {
				sub[j] = names[i]
			}
			inner, err := eval.GroupKFold(sub, studyInnerK, seed, nil)
			if err != nil {
				return nil, nil, err
			}
			for _, h := range grid {
				s, w, sc := make([]float64, len(sub)), make([]float64, len(sub)), make([]float64, len(sub))
				for _, g := range inner {
					tr := make([]int, len(g.Train))
					for j, t := range g.Train {
						tr[j] = f.Train[t]
					}
					score := d.fit(c, h, pr, tr, extra)
					for _, t := range g.Test {
						i := f.Train[t]
						s[t], w[t], sc[t] = pr.strong[i], pr.weak[i], score(pr.weakAns[i])
					}
				}
				if a := cascadeAPGR(s, w, sc); a > bestA {
					best, bestA = h, a
				}
			}
		}
		chosen = append(chosen, best)
		score := d.fit(c, best, pr, f.Train, extra)
		for _, i := range f.Test {
			out[i] = score(pr.weakAns[i])
		}
	}
	return out, chosen, nil
}

func TestArenaStudy(t *testing.T) {
	d := loadStudy(t)
	seeds := []uint64{1, 2, 3}
	if s := os.Getenv("ARENASTUDY_SEEDS"); s != "" {
		seeds = nil
		for _, f := range strings.Split(s, ",") {
			v, err := strconv.ParseUint(f, 10, 64)
			require.NoError(t, err)
			seeds = append(seeds, v)
		}
	}
	l2 := []float64{0.1, 1, 10, 100, 1000, 10000}
	sc := []float64{1, 2, 4}
	cands := []candidate{
		{name: "pair-dense-gain", target: "gain", l2: l2},
		{name: "pair-dense-weakgrade", target: "grade", l2: l2},
		{name: "all-dense-grade", allModels: true, target: "grade", l2: l2},
		{name: "all-dense-grade-id", allModels: true, target: "grade", identity: true, l2: l2},
		{name: "all-dense-centered-id", allModels: true, target: "centered", identity: true, l2: l2},
		{name: "all-dense-grade-id-rellen", allModels: true, target: "grade", identity: true, relLen: true, l2: l2},
		{name: "pair-dense-weakgrade-gramlen", target: "grade", gramLen: true, l2: l2},
		{name: "pair-dense-gain-gramlen", target: "gain", gramLen: true, l2: l2},
		{name: "finetune-dense", finetune: true, l2: l2, scales: []float64{10, 1000}},
		{name: "pair-grams-gain", target: "gain", ansGrams: true, l2: []float64{1, 10, 100}, scales: sc},
		{name: "pair-grams-weakgrade", target: "grade", ansGrams: true, l2: []float64{1, 10, 100}, scales: sc},
		{name: "all-grams-grade-id", allModels: true, target: "grade", identity: true, ansGrams: true, l2: []float64{1, 10, 100}, scales: []float64{1, 3}},
		{name: "all-grams-grade-id-big", allModels: true, target: "grade", identity: true, ansGrams: true, l2: []float64{0.1, 1, 10}, scales: []float64{3, 10}},
		{name: "all-grams-grade-id-huge", allModels: true, target: "grade", identity: true, ansGrams: true, l2: []float64{0.01, 0.1}, scales: []float64{10, 30}},
		{name: "all-grams+prompt-grade-id-big", allModels: true, target: "grade", identity: true, ansGrams: true, prGrams: true, l2: []float64{0.1, 1, 10}, scales: []float64{3, 10}},
		{name: "all-grams+prompt-grade-id", allModels: true, target: "grade", identity: true, ansGrams: true, prGrams: true, l2: []float64{1, 10, 100}, scales: []float64{1, 3}},
	}
	if only := os.Getenv("ARENASTUDY_ONLY"); only != "" {
		var keep []candidate
		for _, c := range cands {
			for _, o := range strings.Split(only, ",") {
				if c.name == o {
					keep = append(keep, c)
				}
			}
		}
		cands = keep
	}
	pairs := [][2]string{{"gpt-4o", "gpt-3.5-turbo-0125"}, {"claude-3-5-sonnet-20240620", "gemma-2-27b-it"}}
	type job struct {
		c    candidate
		p    int
		seed uint64
	}
	var jobs []job
	for _, c := range cands {
		for p := range pairs {
			for _, s := range seeds {
				jobs = append(jobs, job{c, p, s})
			}
		}
	}
	res := make([]string, len(jobs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for j, jb := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			pr := d.pair(pairs[jb.p][0], pairs[jb.p][1])
			sc, ch, err := d.nested(jb.c, pr, jb.seed)
			if err != nil {
				res[j] = err.Error()
				return
			}
			res[j] = fmt.Sprintf("%-28s %-10s seed %d  APGR %.4f  chosen %v", jb.c.name, pairs[jb.p][1], jb.seed, cascadeAPGR(pr.strong, pr.weak, sc), ch)
			t.Log(res[j])
		}()
	}
	wg.Wait()
	for _, r := range res {
		fmt.Println(r)
	}
}

// TestArenaStudyRepeatedInner: the shipped logistic verifier with its
// target and L2 chosen by inner CV repeated over several inner fold seeds
// (ratings averaged) instead of one, to see whether the noisy target choice
// is what costs the nested figure.
func TestArenaStudyRepeatedInner(t *testing.T) {
	ds, err := dataset.Load(shareddata.Path(t, "arenahard-gpt4o-dw1.jsonl"))
	require.NoError(t, err)
	var cands []TrainOptions
	for _, tg := range []Target{TargetGain, TargetWeakFails} {
		for _, l2 := range []float64{0.1, 0.3, 1, 3, 10, 30, 100} {
			cands = append(cands, TrainOptions{L2: l2, Target: tg})
		}
	}
	for _, p := range []Pair{{Strong: "gpt-4o", Weak: "gpt-3.5-turbo-0125"}, {Strong: "claude-3-5-sonnet-20240620", Weak: "gemma-2-27b-it"}} {
		ex, _, err := Examples(ds, []Pair{p}, TargetGain)
		require.NoError(t, err)
		prompts := make([]string, len(ex))
		for i := range ex {
			prompts[i] = ex[i].Prompt
		}
		for _, reps := range []int{1, 3, 5} {
			for seed := uint64(1); seed <= 3; seed++ {
				folds, err := eval.GroupKFold(prompts, 5, seed, nil)
				require.NoError(t, err)
				scores := make([]float64, len(ex))
				var chosen []string
				for _, f := range folds {
					train := make([]Example, 0, len(f.Train))
					for _, i := range f.Train {
						train = append(train, ex[i])
					}
					sum := make([]float64, len(cands))
					for r := 0; r < reps; r++ {
						_, ratings, err := Tune(train, 5, seed+uint64(r)*1000, cands, nil)
						require.NoError(t, err)
						for c := range sum {
							sum[c] += ratings[c]
						}
					}
					best := 0
					for c := range sum {
						if sum[c] > sum[best] {
							best = c
						}
					}
					chosen = append(chosen, fmt.Sprintf("%s/%g", cands[best].Target, cands[best].L2))
					m, err := Train(relabeled(train, cands[best].Target), cands[best])
					require.NoError(t, err)
					for _, i := range f.Test {
						scores[i] = m.score(&ex[i].x)
					}
				}
				s, w := make([]float64, len(ex)), make([]float64, len(ex))
				for i := range ex {
					s[i], w[i] = ex[i].Strong, ex[i].Weak
				}
				if reps == 1 { // one inner seed is exactly the shipped protocol
					want, _, err := NestedCrossValidate(ex, 5, 5, seed, cands, nil)
					require.NoError(t, err)
					require.InDeltaSlice(t, want, scores, 1e-12, "x1 must reproduce NestedCrossValidate")
				}
				fmt.Printf("repeated-inner x%d %-20s seed %d APGR %.4f chosen %v\n", reps, p.Weak, seed, cascadeAPGR(s, w, scores), chosen)
			}
		}
	}
}
