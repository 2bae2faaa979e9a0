//go:build arenastudy

package verify

// A research harness (issue 9), not part of the normal test run: does the
// Arena cascade improve when the answer-quality model learns from every
// model's answers, reads hashed word n-grams, or sees the answer's length
// against its model's typical length? Every figure is nested CV grouped by
// prompt: outer folds over the pair's prompts, every setting chosen by an
// inner CV inside the outer training fold, out-of-fold scores pooled.
//
//	go test -tags arenastudy -run TestArenaStudy -v -timeout 2h ./verify
//	ARENASTUDY_SEEDS=1 ARENASTUDY_ONLY=all-dense go test -tags arenastudy ...

import (
	"math"
	"sort"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/internal/linear"
	"github.com/llmrouter/llmrouter/internal/shareddata"
	"github.com/stretchr/testify/require"
)

const (
	studyHashBits  = 18
	studyHashMask  = 1<<studyHashBits - 1
	studyMaxWords  = 400
	studyCGIters   = 60
	studyInnerK    = 5
	studyOuterK    = 5
	promptHashSalt = 0x9e3779b9
)

// studyAnswer is one model's answer to one prompt.
type studyAnswer struct {
	prompt, model int
	grade         float64
	x             [numFeatures]float64
	logChars      float64
	ans, pr       []uint32 // hashed n-gram buckets (deduplicated)
}

type studyData struct {
	prompts []string
	models  []string
	answers []studyAnswer
	byPM    map[[2]int]int // (prompt, model) → answer index
	byP     [][]int        // prompt → answer indices
}

func loadStudy(t *testing.T) *studyData {
	ds, err := dataset.Load(shareddata.Path(t, "arenahard-gpt4o-dw1.jsonl"))
	require.NoError(t, err)
	d := &studyData{byPM: map[[2]int]int{}}
	mi := map[string]int{}
	for _, r := range ds.Records {
		p := len(d.prompts)
		d.prompts = append(d.prompts, r.Prompt)
		d.byP = append(d.byP, nil)
		names := make([]string, 0, len(r.Outcomes))
		for m := range r.Outcomes {
			names = append(names, m)
		}
		sort.Strings(names)
		prH := bucketsOf(r.Prompt, promptHashSalt)
		for _, m := range names {
			o := r.Outcomes[m]
			k, ok := mi[m]
			if !ok {
				k = len(d.models)
				mi[m] = k
				d.models = append(d.models, m)
			}
			a := studyAnswer{prompt: p, model: k, grade: o.Score, logChars: math.Log1p(float64(len([]rune(o.Answer)))),
				ans: bucketsOf(o.Answer, 0), pr: prH}
			extract(r.Prompt, o.Answer, &a.x)
			d.byPM[[2]int{p, k}] = len(d.answers)
			d.byP[p] = append(d.byP[p], len(d.answers))
			d.answers = append(d.answers, a)
		}
	}
	return d
}

func bucketsOf(text string, salt uint32) []uint32 {
	hs := linear.HashNGrams(nil, text, studyMaxWords)
	seen := map[uint32]bool{}
	out := hs[:0]
	for _, h := range hs {
		b := (h ^ salt) * 0x85ebca6b & studyHashMask
		if !seen[b] {
			seen[b] = true
			out = append(out, b)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// candidate is one way of scoring the weak answer.
type candidate struct {
	name      string
	allModels bool   // train on every model's answers (else the pair's weak answers)
	target    string // "grade" (own grade; escalate low), "gain" (strong − weak), "centered" (grade − prompt mean)
	identity  bool   // one-hot model identity
	relLen    bool   // log length − the model's mean (training rows) and − prompt-predicted
	ansGrams  bool
	prGrams   bool
	l2        []float64
	scales    []float64 // sparse part's scale (1 = unit-norm rows)
	// finetune: fit the all-models grade model (l2 = the hyper's scale),
	// then a pair-rows ridge on its residual, so the pair's weights shrink
	// toward the all-models weights instead of toward zero.
	finetune bool
	// gramLen: add the answer's log length minus the length a ridge on the
	// prompt's hashed n-grams (fitted on every model's answers to the
	// training prompts, model means removed; no labels) predicts.
	gramLen bool
}

type hyper struct{ l2, scale float64 }

func (c candidate) grid() []hyper {
	var g []hyper
	sc := c.scales
	if !c.ansGrams && !c.prGrams && !c.finetune {
		sc = []float64{0}
	}
	for _, l := range c.l2 {
		for _, s := range sc {
			g = append(g, hyper{l, s})
		}
	}
	return g
}

// pairRows are the prompts with both models' answers.
type pairRows struct {
	prompt       []int
	strong, weak []float64
	weakAns      []int
}

func (d *studyData) pair(strong, weak string) pairRows {
	si, wi := -1, -1
	for i, m := range d.models {
		if m == strong {
			si = i
		}
		if m == weak {
			wi = i
		}
	}
	var r pairRows
	for p := range d.prompts {
		s, okS := d.byPM[[2]int{p, si}]
		w, okW := d.byPM[[2]int{p, wi}]
		if okS && okW {
			r.prompt = append(r.prompt, p)
			r.strong = append(r.strong, d.answers[s].grade)
			r.weak = append(r.weak, d.answers[w].grade)
			r.weakAns = append(r.weakAns, w)
		}
	}
	return r
}

// fit trains candidate c with h on the training prompts trainP (pair-row
// indices into pr; allModels also adds every prompt outside pr) and returns
// a scorer of answers: higher means escalate.
func (d *studyData) fit(c candidate, h hyper, pr pairRows, trainRows []int, extraPrompts []int) func(a int) float64 {
	var base func(a int) float64
	if c.finetune {
		all := c
		all.finetune, all.allModels, all.target, all.identity = false, true, "grade", true
		prior := d.fit(all, hyper{l2: h.scale}, pr, trainRows, extraPrompts)
		base = func(a int) float64 { return -prior(a) }
		c.target = "grade"
		h.scale = 0
	}
	var rows []int
	var y []float64
	if c.allModels {
		ps := append([]int{}, extraPrompts...)
		for _, i := range trainRows {
			ps = append(ps, pr.prompt[i])
		}
		for _, p := range ps {
			mean := 0.0
			for _, a := range d.byP[p] {
				mean += d.answers[a].grade / float64(len(d.byP[p]))
			}
			for _, a := range d.byP[p] {
				rows = append(rows, a)
				v := d.answers[a].grade
				if c.target == "centered" {
					v -= mean
				}
				y = append(y, v)
			}
		}
	} else {
		for _, i := range trainRows {
			rows = append(rows, pr.weakAns[i])
			switch {
			case c.target == "gain":
				y = append(y, pr.strong[i]-pr.weak[i])
			case base != nil:
				y = append(y, pr.weak[i]-base(pr.weakAns[i]))
			default:
				y = append(y, pr.weak[i])
			}
		}
	}
	// Relative-length features need the model's mean log length and a
	// prompt-only prediction of log length, both from the training rows.
	nm := len(d.models)
	modelMean := make([]float64, nm)
	if c.relLen {
		cnt := make([]float64, nm)
		for _, a := range rows {
			modelMean[d.answers[a].model] += d.answers[a].logChars
			cnt[d.answers[a].model]++
		}
		for m := range modelMean {
			if cnt[m] > 0 {
				modelMean[m] /= cnt[m]
			}
		}
	}
	var lenW []float64
	promptX := func(a int) []float64 {
		x := d.answers[a].x
		return []float64{1, x[fPromptLogChars], x[fPromptDigits], x[fPromptNumbers], x[fPromptQuestions], x[fPromptCode], x[fPromptAsksCode], x[fPromptNonASCII]}
	}
	if c.relLen {
		var px [][]float64
		var py []float64
		for _, a := range rows {
			px = append(px, promptX(a))
			py = append(py, d.answers[a].logChars-modelMean[d.answers[a].model])
		}
		lenW = ridgeDense(px, py, 1)
	}
	var lenOf func(a int) float64
	if c.gramLen {
		lenOf = d.gramLength(pr, trainRows, extraPrompts)
	}
	dense := func(a int) []float64 {
		x := d.answers[a].x
		v := append([]float64{}, x[:]...)
		if lenOf != nil {
			v = append(v, lenOf(a))
		}
		if c.relLen {
			rel := d.answers[a].logChars - modelMean[d.answers[a].model]
			v = append(v, rel, rel-dotF(lenW, promptX(a)))
		}
		if c.identity {
			for m := 0; m < nm; m++ {
				v = append(v, b2f(d.answers[a].model == m))
			}
		}
		return v
	}
	X := make([][]float64, len(rows))
	for j, a := range rows {
		X[j] = dense(a)
	}
	dd := len(X[0])
	mu, sd := make([]float64, dd), make([]float64, dd)
	for _, r := range X {
		for f, v := range r {
			mu[f] += v / float64(len(X))
		}
	}
	for _, r := range X {
		for f, v := range r {
			sd[f] += (v - mu[f]) * (v - mu[f]) / float64(len(X))
		}
	}
	for f := range sd {
		sd[f] = math.Sqrt(sd[f])
		if sd[f] < 1e-9 {
			sd[f] = math.Inf(1)
		}
	}
	for _, r := range X {
		for f := range r {
			r[f] = (r[f] - mu[f]) / sd[f]
		}
	}
	ym := 0.0
	for _, v := range y {
		ym += v / float64(len(y))
	}
	yc := make([]float64, len(y))
	for i, v := range y {
		yc[i] = v - ym
	}
	sp := func(a int) ([]uint32, []uint32) {
		var s1, s2 []uint32
		if c.ansGrams {
			s1 = d.answers[a].ans
		}
		if c.prGrams {
			s2 = d.answers[a].pr
		}
		return s1, s2
	}
	spVal := func(s1, s2 []uint32) float64 {
		n := len(s1) + len(s2)
		if n == 0 || h.scale == 0 {
			return 0
		}
		return h.scale / math.Sqrt(float64(n))
	}
	useSp := h.scale > 0 && (c.ansGrams || c.prGrams)
	D := dd
	if useSp {
		D += 1 << studyHashBits
	}
	mul := func(w []float64, out []float64) {
		for j, a := range rows {
			s := 0.0
			for f, v := range X[j] {
				s += w[f] * v
			}
			if useSp {
				s1, s2 := sp(a)
				v := spVal(s1, s2)
				t := 0.0
				for _, b := range s1 {
					t += w[dd+int(b)]
				}
				for _, b := range s2 {
					t += w[dd+int(b)]
				}
				s += v * t
			}
			out[j] = s
		}
	}
	tmul := func(v []float64, out []float64) {
		clear(out)
		for j, a := range rows {
			for f, x := range X[j] {
				out[f] += x * v[j]
			}
			if useSp {
				s1, s2 := sp(a)
				u := spVal(s1, s2) * v[j]
				for _, b := range s1 {
					out[dd+int(b)] += u
				}
				for _, b := range s2 {
					out[dd+int(b)] += u
				}
			}
		}
	}
	lambda := h.l2 * float64(len(rows)) / 100
	w := cgRidge(mul, tmul, yc, D, len(rows), lambda)
	return func(a int) float64 {
		v := dense(a)
		s := ym
		for f, x := range v {
			s += w[f] * (x - mu[f]) / sd[f]
		}
		if useSp {
			s1, s2 := sp(a)
			u := spVal(s1, s2)
			for _, b := range s1 {
				s += u * w[dd+int(b)]
			}
			for _, b := range s2 {
				s += u * w[dd+int(b)]
			}
		}
		if c.target == "gain" {
			return s
		}
		if base != nil {
			s += base(a)
		}
		return -s // a low predicted grade escalates
	}
}
