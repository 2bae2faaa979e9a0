//go:build research

// Research harness, third round for issue 9 (MMLU ≥ 0.68 without GSM8K
// below 0.64): nested choices among trainer variants by repeated inner
// CV, bagging over hash salts, word trigrams, a nearest-centroid subject
// token, a direct gap target and hash sizes, each scored by pooled nested
// 5-fold CV as `llmrouter eval` makes the folds. Every choice is made
// inside the training fold. Not part of the normal test run:
//
//	LLMR_RESEARCH=base,nb1s07subj LLMR_SEEDS=1,2,3 go test -tags research -run TestResearchMMLU9c -v -timeout 60m ./train
//	LLMR_DATA=routellm-gsm8k.jsonl LLMR_RESEARCH=base,pick3_nbs LLMR_SEEDS=1,2,3 go test -tags research -run TestResearchMMLU9c -v ./train
//
// Measured 2026-12-01 (pooled APGR, GPT-4 vs Mixtral, fold seeds 1 / 2 / 3;
// "-" not run). No variant reaches MMLU 0.68 on any fold seed; the best
// (nb1s07subj) averages 0.676 and, through NB scaling, costs GSM8K 0.02:
//
//	variant                                   MMLU                   GSM8K
//	base (shipped; = the CLI)                 0.6610 0.6639 0.6595 | 0.6419 0.6440 0.6572
//	gap (reference output learns s − w)       0.6648 0.6671 0.6564 | 0.6440 0.6454 0.6572
//	diff (difficulty head, gap unclamped)     0.6605 0.6671 -      | 0.6440 0.6454 0.6572
//	b16 (2^16 buckets)                        0.6672 0.6691 0.6660 | 0.6377 0.6631 0.6568
//	b17                                       0.6649 0.6666 0.6689 | 0.6384 0.6495 0.6558
//	tri (word-trigram tokens)                 0.6568 -      -      | 0.6357 0.6374 0.6530
//	subj (nearest task centroid token)        0.6711 0.6709 0.6640 | = base (one task: no token)
//	salt3 (3 hash salts, raw mean)            0.6627 0.6654 0.6593 | 0.6429 0.6471 0.6603
//	nb1s07 (NB α 1 + task-smoothed targets)   0.6759 0.6705 0.6724 | 0.6207 0.6481 0.6426
//	nb1s07subj                                0.6791 0.6743 0.6735 | as nb1s07 (one task)
//	b16nb1s07                                 0.6730 0.6689 0.6696 | 0.6308 0.6485 0.6519
//	nbt1s07 (NB on task-mean gains: identity
//	  with one task)                          0.6652 -      -      | = base
//	nbt3s07                                   0.6600 -      -      | = base
//	nb1dw0s07                                 -                    | 0.5714 0.5701 0.6114
//	s07subj                                   -                    | 0.6395 0.6467 0.6586
//	pick_nb1 (inner CV: base or nb1)          (9b: 0.6717 0.6690 0.6701) | 0.6100 0.6523 0.6502
//	pick3_nb1 (the same, inner seeds 1,2,3)   -                    | 0.6100 0.6523 0.6461
//	pick3_nbs (+ nb1s07), pick3_nbsd (+ nb1dw0s07): on GSM8K seed 1 the
//	  same folds chose NB (3 of 5) as with one inner seed: 0.6100
//	centre (targets less their mean)          0.5799 0.5782 0.5764 | 0.6176 -
//
// RouterBench, trained on its training split, GPT-4 vs Mixtral APGR on its
// test split (TestResearchRB9c; 952 rows): base 0.5935, s07 0.5895,
// nbt1s07 0.5784: task smoothing, part of both variants averaging ≥ 0.673
// on MMLU, costs RouterBench too.
//
// Notes. Repeating the inner CV over three seeds changed one of the 15
// GSM8K choices (seed 3, for the worse) and none of seed 1, where the inner
// folds prefer NB on 3 of 5 training sets and NB costs those folds' test
// rows: a nested choice does not protect GSM8K (1,307 rows; ±0.02 from fold
// to fold). "centre" is a lesson, not a model: Predict clamps each model's
// quality to [0,1], and centred outputs straddle 0, where the clamp erases
// the order of every negative prediction. A difficulty head (the gap,
// unclamped) gains GSM8K +0.002 / +0.001 / 0 and nothing on MMLU. The
// subject token needs task labels at training and centroids in the saved
// model (a format change and a centroid scan per decision); it adds 0.005
// to 0.010 on MMLU alone, 0.001 to 0.004 on top of nb1s07. A constant
// appended token moved GSM8K seed 1 from 0.642 to 0.632 in an earlier run
// of subj (before single-task data skipped it): that fold seed's figure
// moves by 0.01 under changes that carry no information.
package train

import (
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/eval"
	"github.com/stretchr/testify/require"
)

// cand is one model of a variant: trainer options plus research changes.
type cand struct {
	name string
	opts Options
	aug  func(string) string // applied to train and test prompts
	// nb > 0: NB-style bucket scaling (nbHook), idf forced on.
	nb float64
	// smooth in (0,1): targets a·y + (1−a)·(task's shrunk mean), the
	// task being the record's Task (training rows only).
	smooth float64
	// gap: the reference output learns strong − weak, the other 0.
	gap bool
	// centre: every output's targets less their weighted mean (the bias
	// takes it back): the final fit's CG tolerance, relative to the
	// right-hand side, then bounds the signal's error, not the mean's.
	centre bool
	// diff: train a difficulty head (strong − weak gain) and rank by it:
	// the gap unclamped (Predict clamps each model's quality to [0,1]).
	diff bool
	// nbt > 0: NB-style scaling from the rows' task-mean gains instead of
	// their own (nbTaskHook); the identity with a single task.
	nbt float64
	// subject: append a token naming the training fold's nearest task
	// centroid (cross-fitted on training rows).
	subject bool
}

// fitCand trains c on trainDS with tuning-fold seed seed and returns the
// strong − weak gap predicted for testDS and trainDS, and the inner CV
// tuning score.
func fitCand(t *testing.T, c cand, trainDS, testDS *dataset.Dataset, strong, weak string, seed uint64) (te, tr []float64, cv float64) {
	trainDS, testDS = copyDS(trainDS), copyDS(testDS)
	if c.aug != nil {
		for _, d := range []*dataset.Dataset{trainDS, testDS} {
			for i := range d.Records {
				d.Records[i].Prompt = c.aug(d.Records[i].Prompt)
			}
		}
	}
	if c.subject && len(trainDS.Tasks()) > 1 {
		subjectAug(trainDS, testDS)
	}
	tasks := make([]string, trainDS.Len())
	for i, r := range trainDS.Records {
		tasks[i] = r.Task
	}
	var prp *problem
	researchHook = func(_ *trainMatrix, pr *problem) {
		prp = pr
		if c.smooth > 0 {
			smoothTask(c.smooth, 0)(tasks)(nil, pr)
		}
		if c.gap {
			ref, other := pr.ref, 1-pr.ref
			for i := range pr.y[ref] {
				s, w := pr.score[ref][i], pr.score[other][i]
				pr.y[other][i] = 0
				if s == s && w == w {
					pr.y[ref][i] = s - w
				}
			}
		}
		if c.centre {
			for o := range pr.y {
				var sw, swy float64
				for i, w := range pr.w[o] {
					sw += w
					swy += w * pr.y[o][i]
				}
				for i, w := range pr.w[o] {
					if w != 0 {
						pr.y[o][i] -= swy / sw
					}
				}
			}
		}
	}
	o := c.opts
	if c.nb > 0 {
		researchDesignHook = nbHook(c.nb, &prp)
		o.IDF = IDFOn
	}
	if c.nbt > 0 {
		// idf left to tuning: with one task the variant is the trainer.
		researchDesignHook = nbTaskHook(c.nbt, tasks, &prp)
	}
	o.Seed = seed
	if c.diff {
		o.Difficulty = true
		o.Reference = strong
	}
	m, err := Linear(trainDS, o)
	researchHook, researchDesignHook = nil, nil
	require.NoError(t, err)
	si, wi := -1, -1
	for j, name := range m.Models() {
		if name == strong {
			si = j
		}
		if name == weak {
			wi = j
		}
	}
	for k, d := range []*dataset.Dataset{testDS, trainDS} {
		out := make([]float64, d.Len())
		for i, r := range d.Records {
			p, df := m.Predict(r.Prompt)
			out[i] = p[si] - p[wi]
			if c.diff {
				out[i] = df
			}
		}
		if k == 0 {
			te = out
		} else {
			tr = out
		}
	}
	if os.Getenv("LLMR_VERBOSE") != "" {
		inf := m.Info()
		t.Logf("%s seed %d: idf=%v dw=%g λ=%g cv=%.4f", c.name, seed, inf.IDF, inf.DenseWeight, inf.Lambda, inf.CVScore)
	}
	return te, tr, m.Info().CVScore
}

// nbTaskHook is nbHook with each fit row's gain replaced by its task's
// mean gain over the fit rows: buckets are scaled by how far the tasks
// they occur in stray from the mean gain. With one task every bucket's
// scale is 1.
func nbTaskHook(alpha float64, tasks []string, prp **problem) func(d *design, fit []int) {
	const k = 20
	return func(d *design, fit []int) {
		pr := *prp
		ref := pr.ref
		tsum, tcnt := map[string]float64{}, map[string]float64{}
		g := make([]float64, len(tasks))
		ok := make([]bool, len(tasks))
		for _, i := range fit {
			// The reference's gain over the mean of the other models.
			s := pr.score[ref][i]
			var ws, wc float64
			for j := range pr.models {
				if j != ref && pr.score[j][i] == pr.score[j][i] {
					ws += pr.score[j][i]
					wc++
				}
			}
			if s != s || wc == 0 {
				continue
			}
			w := ws / wc
			ok[i], g[i] = true, s-w
			tsum[tasks[i]] += s - w
			tcnt[tasks[i]]++
		}
		if len(tcnt) < 2 {
			return
		}
		for _, i := range fit {
			if ok[i] {
				g[i] = tsum[tasks[i]] / tcnt[tasks[i]]
			}
		}
		D := len(d.idf)
		mask := uint32(D - 1)
		sum := make([]float64, D)
		cnt := make([]float64, D)
		var gs, gc float64
		for _, i := range fit {
			if !ok[i] {
				continue
			}
			gs += g[i]
			gc++
			for _, e := range d.m.row(i) {
				sum[e&mask] += g[i]
				cnt[e&mask]++
			}
		}
		mu := gs / gc
		r := make([]float64, D)
		var ss, sn float64
		for b := range r {
			if cnt[b] == 0 {
				continue
			}
			r[b] = math.Abs((sum[b] - cnt[b]*mu) / (cnt[b] + k))
			ss += r[b] * r[b] * cnt[b]
			sn += cnt[b]
		}
		rms := math.Sqrt(ss / sn)
		if !(rms > 0) {
			return
		}
		for b := range r {
			d.idf[b] *= float32(1 + alpha*r[b]/rms)
		}
	}
}

func copyDS(d *dataset.Dataset) *dataset.Dataset {
	out := &dataset.Dataset{Records: make([]dataset.Record, len(d.Records))}
	copy(out.Records, d.Records)
	return out
}

// subjectAug appends to each prompt a token naming its nearest task
// centroid (tf-idf unigrams, cosine), the centroids built from trainDS's
// Task labels: training rows get a 5-fold cross-fitted task (so the token
// is as noisy on them as on test rows), test rows one from all training
// rows. With one task it adds the same token everywhere.
func subjectAug(trainDS, testDS *dataset.Dataset) {
	vec := func(s string) map[string]float64 {
		v := map[string]float64{}
		for _, w := range words(s) {
			v[w]++
		}
		return v
	}
	trV := make([]map[string]float64, trainDS.Len())
	df := map[string]float64{}
	for i, r := range trainDS.Records {
		trV[i] = vec(r.Prompt)
		for w := range trV[i] {
			df[w]++
		}
	}
	n := float64(trainDS.Len())
	norm := func(v map[string]float64) map[string]float64 {
		var ss float64
		for w, c := range v {
			x := (1 + math.Log(c)) * math.Log((1+n)/(1+df[w]))
			v[w] = x
			ss += x * x
		}
		if ss > 0 {
			for w := range v {
				v[w] /= math.Sqrt(ss)
			}
		}
		return v
	}
	for i := range trV {
		trV[i] = norm(trV[i])
	}
	type centroids struct {
		names []string
		c     []map[string]float64
	}
	build := func(rows func(i int) bool) centroids {
		idx := map[string]int{}
		var cs centroids
		for i, r := range trainDS.Records {
			if !rows(i) {
				continue
			}
			k, ok := idx[r.Task]
			if !ok {
				k = len(cs.names)
				idx[r.Task] = k
				cs.names = append(cs.names, r.Task)
				cs.c = append(cs.c, map[string]float64{})
			}
			for w, x := range trV[i] {
				cs.c[k][w] += x
			}
		}
		for _, c := range cs.c {
			var ss float64
			for _, x := range c {
				ss += x * x
			}
			for w := range c {
				c[w] /= math.Sqrt(ss)
			}
		}
		return cs
	}
	nearest := func(cs centroids, v map[string]float64) string {
		best, bi := math.Inf(-1), 0
		for k, c := range cs.c {
			var s float64
			for w, x := range v {
				s += x * c[w]
			}
			if s > best {
				best, bi = s, k
			}
		}
		return cs.names[bi]
	}
	token := func(task string) string {
		return " qzsubj" + strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			return 'x'
		}, strings.ToLower(task))
	}
	const k = 5
	fold := func(i int) int { return int(fnv64a(trainDS.Records[i].Prompt) % k) }
	var cross [k]centroids
	for f := range cross {
		cross[f] = build(func(i int) bool { return fold(i) != f })
	}
	all := build(func(int) bool { return true })
	add := make([]string, trainDS.Len())
	for i := range trainDS.Records {
		add[i] = token(nearest(cross[fold(i)], trV[i]))
	}
	for i := range trainDS.Records {
		trainDS.Records[i].Prompt += "\n" + add[i]
	}
	for i, r := range testDS.Records {
		testDS.Records[i].Prompt += "\n" + token(nearest(all, norm(vec(r.Prompt))))
	}
}

// saltAug appends "q"+salt to every word: a different hashing of every
// n-gram (other collisions), the text otherwise the same.
func saltAug(salt string) func(string) string {
	return func(s string) string {
		var b strings.Builder
		in := false
		for _, r := range s {
			isW := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
			if in && !isW {
				b.WriteString("q" + salt)
			}
			in = isW
			b.WriteRune(r)
		}
		if in {
			b.WriteString("q" + salt)
		}
		return b.String()
	}
}

// triAug appends a token for every word trigram.
func triAug(s string) string {
	w := words(s)
	var b strings.Builder
	b.WriteString(s)
	b.WriteString("\n")
	for i := 0; i+3 <= len(w); i++ {
		b.WriteString(" qzt" + w[i] + "x" + w[i+1] + "x" + w[i+2])
	}
	return b.String()
}

// variant9c: with pick, the candidate of best mean inner-CV score over
// the inner seeds is used alone; otherwise the candidates' predictions are
// averaged, each scaled by its training predictions' standard deviation.
type variant9c struct {
	cands []cand
	pick  bool
	seeds []uint64 // inner tuning seeds; default {1}
	// raw: average the candidates' raw predictions (same kind of model:
	// one scale across folds, which pooling needs).
	raw bool
}

func TestResearchMMLU9c(t *testing.T) {
	ds, file := researchMMLU(t)
	strong, weak := "gpt-4-1106-preview", "mistralai/Mixtral-8x7B-Instruct-v0.1"
	dw0 := Options{DenseWeights: []float64{0}}
	base := cand{name: "base"}
	nb1 := cand{name: "nb1", nb: 1}
	nb1s := cand{name: "nb1s07", nb: 1, smooth: 0.7}
	nb1dw0s := cand{name: "nb1dw0s07", nb: 1, smooth: 0.7, opts: dw0}
	s123 := []uint64{1, 2, 3}
	b16 := Options{HashBits: 16}
	variants := map[string]variant9c{
		"base":        {cands: []cand{base}},
		"gap":         {cands: []cand{{gap: true}}},
		"diff":        {cands: []cand{{diff: true}}},
		"b16diff":     {cands: []cand{{diff: true, opts: b16}}},
		"b17diff":     {cands: []cand{{diff: true, opts: Options{HashBits: 17}}}},
		"nb1diff":     {cands: []cand{{diff: true, nb: 1}}},
		"b16nb1diff":  {cands: []cand{{diff: true, nb: 1, opts: b16}}},
		"nb1s07diff":  {cands: []cand{{diff: true, nb: 1, smooth: 0.7}}},
		"s07diff":     {cands: []cand{{diff: true, smooth: 0.7}}},
		"s07subj":     {cands: []cand{{smooth: 0.7, subject: true}}},
		"nb1s07subj":  {cands: []cand{{nb: 1, smooth: 0.7, subject: true}}},
		"b16s07subj":  {cands: []cand{{opts: b16, smooth: 0.7, subject: true}}},
		"b16subj":     {cands: []cand{{opts: b16, subject: true}}},
		"nbt1":        {cands: []cand{{nbt: 1}}},
		"nbt1s07":     {cands: []cand{{nbt: 1, smooth: 0.7}}},
		"nbt3s07":     {cands: []cand{{nbt: 3, smooth: 0.7}}},
		"nbt1s07subj": {cands: []cand{{nbt: 1, smooth: 0.7, subject: true}}},
		"centre":      {cands: []cand{{centre: true}}},
		"gapc":        {cands: []cand{{gap: true, centre: true}}},
		"nb1gap":      {cands: []cand{{nb: 1, gap: true}}},
		"nb1c":        {cands: []cand{{nb: 1, centre: true}}},
		"nb1s07c":     {cands: []cand{{nb: 1, smooth: 0.7, centre: true}}},
		"b16":         {cands: []cand{{opts: Options{HashBits: 16}}}},
		"b15":         {cands: []cand{{opts: Options{HashBits: 15}}}},
		"b14":         {cands: []cand{{opts: Options{HashBits: 14}}}},
		"b16c":        {cands: []cand{{opts: b16, centre: true}}},
		"b16nb1":      {cands: []cand{{opts: b16, nb: 1}}},
		"b16nb1s07":   {cands: []cand{{opts: b16, nb: 1, smooth: 0.7}}},
		"b16s07":      {cands: []cand{{opts: b16, smooth: 0.7}}},
		"b16salt3":    {cands: []cand{{opts: b16}, {opts: b16, aug: saltAug("1")}, {opts: b16, aug: saltAug("2")}}, raw: true},
		"b17":         {cands: []cand{{opts: Options{HashBits: 17}}}},
		"b19":         {cands: []cand{{opts: Options{HashBits: 19}}}},
		"tri":         {cands: []cand{{aug: triAug}}},
		"subj":        {cands: []cand{{subject: true}}},
		"nb1subj":     {cands: []cand{{subject: true, nb: 1}}},
		"nb1s07":      {cands: []cand{nb1s}},
		"nb1dw0s07":   {cands: []cand{nb1dw0s}},
		"salt3":       {cands: []cand{base, {aug: saltAug("1")}, {aug: saltAug("2")}}, raw: true},
		"salt3c":      {cands: []cand{{centre: true}, {centre: true, aug: saltAug("1")}, {centre: true, aug: saltAug("2")}}, raw: true},
		"nb1salt3":    {cands: []cand{nb1, {nb: 1, aug: saltAug("1")}, {nb: 1, aug: saltAug("2")}}, raw: true},
		"pick_nb1":    {cands: []cand{base, nb1}, pick: true},
		"pick3_nb1":   {cands: []cand{base, nb1}, pick: true, seeds: s123},
		"pick3_nbs":   {cands: []cand{base, nb1, nb1s}, pick: true, seeds: s123},
		"pick3_nbsd":  {cands: []cand{base, nb1, nb1s, nb1dw0s}, pick: true, seeds: s123},
	}
	outer := researchSeeds(t)
	for _, name := range strings.Split(os.Getenv("LLMR_RESEARCH"), ",") {
		v, ok := variants[name]
		require.True(t, ok, "unknown variant %q", name)
		inner := v.seeds
		if inner == nil {
			inner = []uint64{1}
		}
		for _, seed := range outer {
			folds, err := eval.DatasetFolds(ds, 5, seed, false)
			require.NoError(t, err)
			var pool pooledCV
			var chosen []string
			start := time.Now()
			for _, f := range folds {
				trainDS, testDS := eval.Subset(ds, f.Train), eval.Subset(ds, f.Test)
				var fsc []float64
				bestCV := math.Inf(-1)
				pickName := ""
				for _, c := range v.cands {
					te, tr, cv := fitCand(t, c, trainDS, testDS, strong, weak, inner[0])
					if v.pick {
						for _, s := range inner[1:] {
							_, _, c2 := fitCand(t, c, trainDS, testDS, strong, weak, s)
							cv += c2
						}
						cv /= float64(len(inner))
						if cv > bestCV {
							bestCV, fsc, pickName = cv, te, c.name
						}
						continue
					}
					sd := 1.0 // one model: raw scores, as `eval` pools
					if len(v.cands) > 1 && !v.raw {
						var s1, s2 float64
						for _, x := range tr {
							s1 += x
							s2 += x * x
						}
						n := float64(len(tr))
						sd = math.Sqrt(s2/n - (s1/n)*(s1/n))
					}
					if fsc == nil {
						fsc = make([]float64, len(te))
					}
					for i, x := range te {
						fsc[i] += x / sd
					}
				}
				if v.pick {
					chosen = append(chosen, pickName)
				}
				pool.addFold(testDS, strong, weak, fsc)
			}
			a, m := pool.result(t, ds.Len())
			t.Logf("RESULT %-10s %s seed %d pooled APGR %.4f (fold mean %.4f) %.0fs %s", name, file, seed, a, m, time.Since(start).Seconds(), fmt.Sprint(chosen))
		}
	}
}

// TestResearchRB9c trains each variant (its first candidate) on
// RouterBench's training split and reports the test split's APGR of
// GPT-4 vs Mixtral, as `llmrouter eval -test` routes that pair.
//
//	LLMR_RESEARCH=base,nbt1s07 go test -tags research -run TestResearchRB9c -v ./train
func TestResearchRB9c(t *testing.T) {
	trainDS, testDS := researchRouterBench(t)
	strong, weak := "gpt-4-1106-preview", "mistralai/mixtral-8x7b-chat"
	variants := map[string]cand{
		"base":    {},
		"nbt1s07": {nbt: 1, smooth: 0.7},
		"nbt3s07": {nbt: 3, smooth: 0.7},
		"nbt1":    {nbt: 1},
		"s07":     {smooth: 0.7},
	}
	for _, name := range strings.Split(os.Getenv("LLMR_RESEARCH"), ",") {
		c, ok := variants[name]
		require.True(t, ok, "unknown variant %q", name)
		te, _, _ := fitCand(t, c, trainDS, testDS, strong, weak, 1)
		var st, wk, sc []float64
		for i, r := range testDS.Records {
			so, ok1 := r.Outcomes[strong]
			wo, ok2 := r.Outcomes[weak]
			if ok1 && ok2 {
				st, wk, sc = append(st, so.Score), append(wk, wo.Score), append(sc, te[i])
			}
		}
		a, err := eval.APGR(st, wk, sc)
		require.NoError(t, err)
		t.Logf("RESULT %-10s routerbench train→test APGR %.4f (%d rows)", name, a, len(sc))
	}
}
