//go:build research

// Research harness, fourth round for issue 9 (MMLU ≥ 0.68 pooled, fold
// seeds 1, 2, 3): stacking the shipped model's predicted gap with a
// subject prior — the mean strong − weak gain of the prompt's subject
// (optionally of the subject × a binary prompt flag, "cell"), the subject
// inferred from the prompt alone by a naive Bayes classifier over word
// unigrams and bigrams trained on the records' Task labels — the prior's
// alternative (cell definition, posterior temperature or argmax) and its
// weight β chosen by an inner 3-fold CV on the training fold only (by
// pooled APGR, or with ls by least squares). Scored by pooled nested
// 5-fold CV as `llmrouter eval` makes the folds. With one task (GSM8K)
// there is no prior and every variant is the shipped trainer. Not part
// of the normal test run:
//
//	LLMR_RESEARCH=base,nbsubj_cells LLMR_SEEDS=1,2,3 go test -tags research -run TestResearchMMLU20 -v -timeout 120m ./train
//	LLMR_DATA=routellm-gsm8k.jsonl LLMR_RESEARCH=base,nbsubj_cells go test -tags research -run TestResearchMMLU20 -v ./train
//	LLMR_RESEARCH=base,nbsubj_cells [LLMR_RB_POOLED=1 [LLMR_RB_LS=1]] [LLMR_RB_BETA=b] go test -tags research -run TestResearchRB20 -v ./train
//
// Measured 2026-12-01 (pooled APGR, GPT-4 vs Mixtral; "-" not run; base
// = the shipped trainer, = the CLI's figures):
//
//	variant                                        MMLU seeds 1 / 2 / 3
//	base                                           0.6610 0.6639 0.6595
//	oracle: true subject's gain (not a router)     0.6889 -      -
//	oracle_dig: true subject × digit in question   0.6942 -      -
//	oracle_both: true subject × digit × length/3   0.6846 -      -
//	nbsubj (NB α 0.1)                              0.6716 -      -
//	nbsubja001 (NB α 0.01)                         0.6734 -      -
//	nbsubja1 (NB α 1)                              0.6646 -      -
//	nbsubj_dig (× digit in the question)           0.6820 0.6824 0.6688
//	nbsubj_both (× digit × length tercile)         0.6763 -      -
//	nbsubj_optnum2 (× all options numeric ×
//	  two numbers in the question)                 0.6889 -      -
//	nbsubj_cells (inner CV picks the cell among
//	  none, digit, optnum, num2, optnum×num2)      0.6889 0.6888 0.6781
//	nbsubj_cells_ls (the same, β least squares)    0.6800 0.6817 0.6777
//	nb1s07_nbsubj (NB scaling + smoothing base;
//	  NB scaling costs GSM8K, round 3)             0.6809 -      -
//	conj (cell × question-word tokens in the
//	  ridge, no prior)                             0.6738 -      -
//	celltok (a cell token in the ridge)            0.6698 -      -
//	nbsubj_screen (inner CV picks among none, 13
//	  flags and their 78 pairs; 40 min a seed)     0.6843 -      -
//
// GSM8K, seed 1: every variant 0.6419 = base (one task, no prior).
// RouterBench (train → test; base: pair APGR 0.5935, 11 models 27.4% of
// GPT-4's cost at 95% of its quality, 23.1% along the hull):
// nbsubj_cells raises the pair's APGR to 0.5999 (β 6 on "optnum", temp
// 0.3), but each model's quality plus β × its own prior breaks the
// 11-model routing: 72.5% (hull 65.1%) at that β, 32.6% / 54.5% / 72.0%
// at β 0.5 / 1 / 2, 57.0% at β 1 chosen by the trainer's own criterion
// (pooled pair APGR, inner CV), and 27.4% (hull 23.3%) only with the
// least-squares weight (β 0.005).
//
// Notes. The flags optnum (every option line holds a digit) and num2
// (two numbers in the question) were picked for nbsubj_cells after a
// screen of the 13 flags of screenFlags on all MMLU rows (a true-subject
// prior, 5-fold CV: task alone 0.676, × digit 0.684, × num2 0.689,
// × optnum 0.691, × optnum×num2 0.700): that choice saw the outer test
// rows, so nbsubj_cells is optimistic by an unknown amount; nbsubj_screen
// makes the same choice inside each training fold: on seed 1 it picked
// optnum×num2 in 4 of 5 folds (eq×num2 in the fifth) and scored 0.6843
// against nbsubj_cells' 0.6889. The NB subject
// classifier is right on 70–74% of held-out MMLU prompts (α 0.1). The
// APGR-tuned β (0.75–6) is a ranking weight, not a calibrated one; the
// least-squares β (0.19–0.33 on MMLU) keeps RouterBench's 11-model
// routing but gives up about 0.006 of MMLU's gain. Shipping any of this
// needs the subject classifier (per task, a log-probability per hashed
// n-gram) and the per-model task × cell means in the saved model, the
// record's Task at training, and a posterior over the tasks at every
// decision.
package train

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/eval"
	"github.com/stretchr/testify/require"
)

// The pair routed (TestResearchRB20 sets RouterBench's names).
var (
	r20Strong = "gpt-4-1106-preview"
	r20Weak   = "mistralai/Mixtral-8x7B-Instruct-v0.1"
)

// alts is a component's output on one test set: alternative score
// vectors (one per setting of the component), each over the test rows.
type alts [][]float64

// component scores testDS after fitting on trainDS.
type component func(t *testing.T, trainDS, testDS *dataset.Dataset, seed uint64) alts

// gainOf returns strong − weak of r (NaN when either is missing).
func gainOf(r dataset.Record, strong, weak string) float64 {
	if weak == "" { // one model's own score
		s, ok := r.Outcomes[strong]
		if !ok {
			return math.NaN()
		}
		return s.Score
	}
	s, ok1 := r.Outcomes[strong]
	w, ok2 := r.Outcomes[weak]
	if !ok1 || !ok2 {
		return math.NaN()
	}
	return s.Score - w.Score
}

// taskGains returns each task's mean gain over ds, shrunk by k rows
// toward the mean of all rows, and that mean.
func taskGains(ds *dataset.Dataset, strong, weak string, k float64) (map[string]float64, float64) {
	sum, cnt := map[string]float64{}, map[string]float64{}
	var gs, gc float64
	for _, r := range ds.Records {
		g := gainOf(r, strong, weak)
		if g != g {
			continue
		}
		sum[r.Task] += g
		cnt[r.Task]++
		gs += g
		gc++
	}
	mu := gs / gc
	out := map[string]float64{}
	for task, c := range cnt {
		out[task] = (sum[task] + k*mu) / (c + k)
	}
	return out, mu
}

// baseComp is the shipped trainer's predicted gap.
func candComp(c cand) component {
	return func(t *testing.T, trainDS, testDS *dataset.Dataset, seed uint64) alts {
		key := fmt.Sprintf("%+v|%d|%s|%s|%x|%x", c, seed, r20Strong, r20Weak, idsHash(trainDS), idsHash(testDS))
		if v, ok := candMemo[key]; ok {
			return alts{v}
		}
		te, _, _ := fitCand(t, c, trainDS, testDS, r20Strong, r20Weak, seed)
		candMemo[key] = te
		return alts{te}
	}
}

// candMemo holds candComp's predictions by candidate, seed and rows: the
// variants sharing a base model fit it once.
var candMemo = map[string][]float64{}

func idsHash(ds *dataset.Dataset) uint64 {
	h := uint64(14695981039346656037)
	for _, r := range ds.Records {
		for i := 0; i < len(r.ID); i++ {
			h = (h ^ uint64(r.ID[i])) * 1099511628211
		}
		h = (h ^ 0xff) * 1099511628211
	}
	return h
}

// nbGainComp is the expected gain P(strong right, weak wrong) −
// P(strong wrong, weak right) under a naive Bayes model of the four joint
// outcomes (score ≥ 0.5 counted right), one alternative per temperature.
func nbGainComp(alpha float64) component {
	return func(t *testing.T, trainDS, testDS *dataset.Dataset, _ uint64) alts {
		lab := copyDS(trainDS)
		for i, r := range lab.Records {
			g := gainOf(r, r20Strong, r20Weak)
			if g != g {
				lab.Records[i].Task = "na"
				continue
			}
			sv := r.Outcomes[r20Strong].Score >= 0.5
			wv := r.Outcomes[r20Weak].Score >= 0.5
			lab.Records[i].Task = fmt.Sprintf("%v%v", sv, wv)
		}
		m := trainNB(lab, alpha)
		val := make([]float64, len(m.tasks))
		for k, c := range m.tasks {
			switch c {
			case "truefalse":
				val[k] = 1
			case "falsetrue":
				val[k] = -1
			}
		}
		temps := []float64{1, 3, 10, 30}
		out := make(alts, len(temps))
		for a := range out {
			out[a] = make([]float64, testDS.Len())
		}
		for i, r := range testDS.Records {
			l := m.logPost(r.Prompt, 0)
			for a, temp := range temps {
				p := softmaxT(l, temp)
				for k := range p {
					out[a][i] += p[k] * val[k]
				}
			}
		}
		return out
	}
}

// oracleComp is the true task's mean gain (uses the test rows' Task: a
// ceiling, not a router).
func oracleComp(t *testing.T, trainDS, testDS *dataset.Dataset, _ uint64) alts {
	tg, mu := taskGains(trainDS, r20Strong, r20Weak, 10)
	out := make([]float64, testDS.Len())
	for i, r := range testDS.Records {
		g, ok := tg[r.Task]
		if !ok {
			g = mu
		}
		out[i] = g - mu
	}
	return alts{out}
}

// stack is base + β·alt, β from betas and alt from the prior's
// alternatives, both chosen by pooled APGR over an inner 3-fold CV of
// the training fold.
type stack struct {
	base  component
	prior component // nil: base alone
	// priors are further priors, each with its own (alternative, β).
	priors []component
	betas  []float64
	// ls: the first prior's alternative and β by least squares of the
	// gain on the base's gap plus β × prior (β ≥ 0), not by APGR: a
	// calibrated weight, which multi-model routing needs.
	ls bool
}

var defaultBetas = []float64{0, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6}

func apgrOf(ds *dataset.Dataset, sc []float64) float64 {
	var st, wk, s []float64
	for i, r := range ds.Records {
		so, ok1 := r.Outcomes[r20Strong]
		wo, ok2 := r.Outcomes[r20Weak]
		if ok1 && ok2 {
			st, wk, s = append(st, so.Score), append(wk, wo.Score), append(s, sc[i])
		}
	}
	a, _ := eval.APGR(st, wk, s)
	return a
}

// combine returns base + beta·prior.
func combine(base, prior []float64, beta float64) []float64 {
	out := make([]float64, len(base))
	for i := range out {
		out[i] = base[i] + beta*prior[i]
	}
	return out
}

// run scores testDS, tuning on trainDS; it returns the scores and the
// chosen (alternative, β) of each prior.
func (s stack) run(t *testing.T, trainDS, testDS *dataset.Dataset, seed uint64) ([]float64, string) {
	sc, desc, _, _ := s.runChoice(t, trainDS, testDS, seed)
	return sc, desc
}

// runChoice is run, also returning each prior's chosen alternative and β.
func (s stack) runChoice(t *testing.T, trainDS, testDS *dataset.Dataset, seed uint64) ([]float64, string, []int, []float64) {
	base := s.base(t, trainDS, testDS, seed)[0]
	comps := s.priors
	if s.prior != nil {
		comps = append([]component{s.prior}, comps...)
	}
	var priors []alts
	var used []component
	for _, c := range comps {
		if p := c(t, trainDS, testDS, seed); len(p) > 0 {
			priors = append(priors, p)
			used = append(used, c)
		}
	}
	if len(priors) == 0 {
		return base, "none", nil, nil
	}
	betas := s.betas
	if betas == nil {
		betas = defaultBetas
	}
	// Inner CV: pooled out-of-fold base and prior scores on trainDS.
	inner, err := eval.DatasetFolds(trainDS, 3, seed+100, false)
	require.NoError(t, err)
	ib := make([]float64, trainDS.Len())
	ip := make([]alts, len(priors))
	for c := range ip {
		ip[c] = make(alts, len(priors[c]))
		for a := range ip[c] {
			ip[c][a] = make([]float64, trainDS.Len())
		}
	}
	for _, f := range inner {
		itr, ite := eval.Subset(trainDS, f.Train), eval.Subset(trainDS, f.Test)
		b := s.base(t, itr, ite, seed)[0]
		for k, row := range f.Test {
			ib[row] = b[k]
		}
		for c, comp := range used {
			p := comp(t, itr, ite, seed)
			for a := range p {
				for k, row := range f.Test {
					ip[c][a][row] = p[a][k]
				}
			}
		}
	}
	// Coordinate ascent over the priors' (alternative, β), two passes.
	ca, cb := make([]int, len(ip)), make([]float64, len(ip))
	sum := func(skip int) []float64 {
		out := append([]float64(nil), ib...)
		for c := range ip {
			if c != skip && cb[c] != 0 {
				for i := range out {
					out[i] += cb[c] * ip[c][ca[c]][i]
				}
			}
		}
		return out
	}
	best := apgrOf(trainDS, ib)
	if s.ls {
		bsse := math.Inf(1)
		for a := range ip[0] {
			var num, den, yy float64
			for i, r := range trainDS.Records {
				g := gainOf(r, r20Strong, r20Weak)
				if g != g {
					continue
				}
				res := g - ib[i]
				num += ip[0][a][i] * res
				den += ip[0][a][i] * ip[0][a][i]
				yy += res * res
			}
			beta := math.Max(0, num/den)
			if sse := yy - 2*beta*num + beta*beta*den; sse < bsse {
				bsse, ca[0], cb[0] = sse, a, beta
			}
		}
		best = apgrOf(trainDS, combine(ib, ip[0][ca[0]], cb[0]))
	}
	for pass := 0; pass < 2 && !s.ls; pass++ {
		for c := range ip {
			rest := sum(c)
			for a := range ip[c] {
				for _, beta := range betas {
					if v := apgrOf(trainDS, combine(rest, ip[c][a], beta)); v > best+1e-9 {
						best, ca[c], cb[c] = v, a, beta
					}
				}
			}
		}
	}
	out := append([]float64(nil), base...)
	var desc []string
	for c := range priors {
		desc = append(desc, fmt.Sprintf("a%d·β%.3g", ca[c], cb[c]))
		for i := range out {
			out[i] += cb[c] * priors[c][ca[c]][i]
		}
	}
	return out, fmt.Sprintf("%s(%.4f)", strings.Join(desc, "+"), best), ca, cb
}
