//go:build research

package train

import (
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/eval"
	"github.com/stretchr/testify/require"
)

// The fourth round's tests for issue 9 (see research_mmlu20_test.go).

func TestResearchMMLU20(t *testing.T) {
	ds, file := researchMMLU(t)
	variants := stackVariants()
	outer := researchSeeds(t)
	for _, name := range strings.Split(os.Getenv("LLMR_RESEARCH"), ",") {
		v, ok := variants[name]
		require.True(t, ok, "unknown variant %q", name)
		for _, seed := range outer {
			folds, err := eval.DatasetFolds(ds, 5, seed, false)
			require.NoError(t, err)
			var pool pooledCV
			var chosen []string
			start := time.Now()
			for _, f := range folds {
				trainDS, testDS := eval.Subset(ds, f.Train), eval.Subset(ds, f.Test)
				fsc, ch := v.run(t, trainDS, testDS, 1)
				chosen = append(chosen, ch)
				pool.addFold(testDS, r20Strong, r20Weak, fsc)
			}
			a, m := pool.result(t, ds.Len())
			t.Logf("RESULT %-10s %s seed %d pooled APGR %.4f (fold mean %.4f) %.0fs %v", name, file, seed, a, m, time.Since(start).Seconds(), chosen)
		}
	}
}

func stackVariants() map[string]stack {
	base := candComp(cand{name: "base"})
	return map[string]stack{
		"base":              {base: base},
		"oracle":            {base: base, prior: oracleComp},
		"nbsubj":            {base: base, prior: nbComp(0.1)},
		"nbsubja001":        {base: base, prior: nbComp(0.01)},
		"nbsubja1":          {base: base, prior: nbComp(1)},
		"nb1s07_nbsubj":     {base: candComp(cand{nb: 1, smooth: 0.7}), prior: nbComp(0.01)},
		"subj_nbsubj":       {base: candComp(cand{subject: true}), prior: nbComp(0.1)},
		"nb1s07subj_nbsubj": {base: candComp(cand{nb: 1, smooth: 0.7, subject: true}), prior: nbComp(0.1)},
		"oracle_dig":        {base: base, prior: oracleCellComp(digitCell, 20)},
		"oracle_len":        {base: base, prior: oracleCellComp(lenCell, 20)},
		"oracle_both":       {base: base, prior: oracleCellComp(bothCells, 20)},
		"nbsubj_dig":        {base: base, prior: cellComp(0.01, digitCell, 20)},
		"nbsubj_len":        {base: base, prior: cellComp(0.01, lenCell, 20)},
		"nbsubj_both":       {base: base, prior: cellComp(0.01, bothCells, 20)},
		"nbgain":            {base: base, prior: nbGainComp(1)},
		"nbgain01":          {base: base, prior: nbGainComp(0.1)},
		"nbsubj_nbgain":     {base: base, prior: nbComp(0.01), priors: []component{nbGainComp(1)}},
		"nbsubja0001":       {base: base, prior: nbComp(0.001)},
		"oracle_optnum":     {base: base, prior: oracleCellComp(optNumCell, 20)},
		"oracle_optnum2":    {base: base, prior: oracleCellComp(optNum2Cell, 20)},
		"nbsubj_optnum2":    {base: base, prior: cellComp(0.01, optNum2Cell, 20)},
		"nbsubj_cells":      {base: base, prior: multiCellComp(0.01, 20, nil, digitCell, optNumCell, num2Cell, optNum2Cell)},
		"nbsubj_screen":     {base: base, prior: multiCellComp(0.01, 20, screenCells()...)},
		"subj_cells":        {base: candComp(cand{subject: true}), prior: multiCellComp(0.01, 20, nil, digitCell, optNumCell, num2Cell, optNum2Cell)},
		"conj_cells":        {base: candComp(cand{aug: conjAug}), prior: multiCellComp(0.01, 20, nil, digitCell, optNumCell, num2Cell, optNum2Cell)},
		"nbsubj_cells_ls":   {base: base, prior: multiCellComp(0.01, 20, nil, digitCell, optNumCell, num2Cell, optNum2Cell), ls: true},
		"conj":              {base: candComp(cand{aug: conjAug})},
		"celltok":           {base: candComp(cand{aug: cellTokAug})},
		"b16_nbsubj":        {base: candComp(cand{opts: Options{HashBits: 16}}), prior: nbComp(0.1)},
	}
}

// TestResearchRB20 trains each variant on RouterBench's training split
// (its stacking weight by inner CV there) and reports the test split's
// APGR of GPT-4 vs Mixtral.
//
//	LLMR_RESEARCH=base,nbsubj go test -tags research -run TestResearchRB20 -v ./train
func TestResearchRB20(t *testing.T) {
	trainDS, testDS := researchRouterBench(t)
	r20Strong, r20Weak = "gpt-4-1106-preview", "mistralai/mixtral-8x7b-chat"
	defer func() { r20Strong, r20Weak = "gpt-4-1106-preview", "mistralai/Mixtral-8x7B-Instruct-v0.1" }()
	variants := stackVariants()
	for _, name := range strings.Split(os.Getenv("LLMR_RESEARCH"), ",") {
		v, ok := variants[name]
		require.True(t, ok, "unknown variant %q", name)
		sc, ch, ca, cb := v.runChoice(t, trainDS, testDS, 1)
		t.Logf("RESULT %-10s routerbench train→test APGR %.4f %s", name, apgrOf(testDS, sc), ch)
		// All 11 models: each model's quality plus β × its own prior (the
		// alternative and β the pair's inner CV chose), routed at every λ.
		m, err := Linear(trainDS, Options{Seed: 1})
		require.NoError(t, err)
		models := m.Models()
		pred := make([][]float64, testDS.Len())
		for i, r := range testDS.Records {
			pred[i], _ = m.Predict(r.Prompt)
		}
		if os.Getenv("LLMR_RB_POOLED") != "" && len(cb) > 0 {
			ca[0], cb[0] = pooledChoice(t, v.prior, trainDS, models)
			t.Logf("pooled-pairs inner CV chose alternative %d, β %g", ca[0], cb[0])
		}
		if b := os.Getenv("LLMR_RB_BETA"); b != "" && len(cb) > 0 {
			cb[0], err = strconv.ParseFloat(b, 64)
			require.NoError(t, err)
			t.Logf("β forced to %g for the 11 models", cb[0])
		}
		if v.prior != nil && len(ca) > 0 && cb[0] != 0 {
			s0, w0 := r20Strong, r20Weak
			for j, name := range models {
				r20Strong, r20Weak = name, ""
				p := v.prior(t, trainDS, testDS, 1)
				for i := range pred {
					pred[i][j] += cb[0] * p[ca[0]][i]
				}
			}
			r20Strong, r20Weak = s0, w0
		}
		mx, err := eval.NewMatrix(testDS, models)
		require.NoError(t, err)
		dc := make([]float64, len(models))
		for j, name := range models {
			dc[j], _ = trainDS.MeanCost(name)
		}
		rep, err := eval.EvaluateMulti(pred, dc, mx, eval.MultiOptions{})
		require.NoError(t, err)
		t.Logf("RESULT %-10s routerbench 11 models: cost to reach 95%% of the best model: %.1f%% (hull %.1f%%)", name, 100*rep.Reach[0].Router, 100*rep.Reach[0].RouterHull)
	}
}

// pooledChoice chooses the prior's alternative and β as the trainer
// tunes: the APGR of routing between each model and the reference (the
// best mean score), all pairs pooled, over an inner 3-fold CV of trainDS
// with every model's quality plus β × its own prior.
func pooledChoice(t *testing.T, prior component, trainDS *dataset.Dataset, models []string) (int, float64) {
	inner, err := eval.DatasetFolds(trainDS, 3, 101, false)
	require.NoError(t, err)
	n := trainDS.Len()
	base := make([][]float64, n) // [row][model]
	var pri [][][]float64        // [model][alt][row]
	s0, w0 := r20Strong, r20Weak
	defer func() { r20Strong, r20Weak = s0, w0 }()
	for _, f := range inner {
		itr, ite := eval.Subset(trainDS, f.Train), eval.Subset(trainDS, f.Test)
		m, err := Linear(itr, Options{Seed: 1})
		require.NoError(t, err)
		require.Equal(t, models, m.Models())
		for k, r := range ite.Records {
			base[f.Test[k]], _ = m.Predict(r.Prompt)
		}
		if pri == nil {
			pri = make([][][]float64, len(models))
		}
		for j, name := range models {
			r20Strong, r20Weak = name, ""
			p := prior(t, itr, ite, 1)
			if pri[j] == nil {
				pri[j] = make([][]float64, len(p))
				for a := range p {
					pri[j][a] = make([]float64, n)
				}
			}
			for a := range p {
				for k, row := range f.Test {
					pri[j][a][row] = p[a][k]
				}
			}
		}
	}
	ref, best := 0, math.Inf(-1)
	for j, name := range models {
		var s, c float64
		for _, r := range trainDS.Records {
			if o, ok := r.Outcomes[name]; ok {
				s += o.Score
				c++
			}
		}
		if s/c > best {
			best, ref = s/c, j
		}
	}
	var sb scoreBuf
	score := func(a int, beta float64) float64 {
		var area, total float64
		for j := range models {
			if j == ref {
				continue
			}
			var sc, st, wk []float64
			for i, r := range trainDS.Records {
				so, ok1 := r.Outcomes[models[ref]]
				wo, ok2 := r.Outcomes[models[j]]
				if !ok1 || !ok2 {
					continue
				}
				sc = append(sc, base[i][ref]-base[i][j]+beta*(pri[ref][a][i]-pri[j][a][i]))
				st, wk = append(st, so.Score), append(wk, wo.Score)
			}
			ar, tt := gainArea(sc, st, wk, &sb)
			area += ar
			total += tt
		}
		return area / total
	}
	if os.Getenv("LLMR_RB_LS") != "" {
		// Least squares: each model's score on its quality plus β × prior.
		ba, bb, bsse := 0, 0.0, math.Inf(1)
		for a := range pri[0] {
			var num, den, yy float64
			for j, name := range models {
				for i, r := range trainDS.Records {
					o, ok := r.Outcomes[name]
					if !ok {
						continue
					}
					res := o.Score - base[i][j]
					num += pri[j][a][i] * res
					den += pri[j][a][i] * pri[j][a][i]
					yy += res * res
				}
			}
			beta := math.Max(0, num/den)
			if sse := yy - 2*beta*num + beta*beta*den; sse < bsse {
				ba, bb, bsse = a, beta, sse
			}
		}
		return ba, bb
	}
	ba, bb, bs := 0, 0.0, score(0, 0)
	t.Logf("pooled-pairs inner APGR at β 0: %.4f", bs)
	for a := range pri[0] {
		for _, beta := range defaultBetas[1:] {
			if v := score(a, beta); v > bs+1e-9 {
				ba, bb, bs = a, beta, v
			}
		}
	}
	t.Logf("pooled-pairs inner APGR best: %.4f", bs)
	return ba, bb
}
