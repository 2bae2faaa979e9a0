//go:build arenastudy

package verify

import (
	"fmt"
	"math"
	"sync"

	"github.com/llmrouter/llmrouter/eval"
)

// The Arena study's solvers and score: the length-against-model signal,
// the ridge fits and the cascade APGR (see arenastudy_test.go).

var gramLenCache sync.Map

// gramLength returns, for an answer, its log length minus its model's mean
// and minus a prompt-n-gram ridge prediction of that difference, fitted on
// every model's answers to the training prompts (cached per training set).
func (d *studyData) gramLength(pr pairRows, trainRows, extraPrompts []int) func(a int) float64 {
	key := fmt.Sprint(len(d.answers), pr.weakAns[0], trainRows)
	if f, ok := gramLenCache.Load(key); ok {
		return f.(func(int) float64)
	}
	var rows []int
	for _, p := range extraPrompts {
		rows = append(rows, d.byP[p]...)
	}
	for _, i := range trainRows {
		rows = append(rows, d.byP[pr.prompt[i]]...)
	}
	nm := len(d.models)
	mm, cnt := make([]float64, nm), make([]float64, nm)
	for _, a := range rows {
		mm[d.answers[a].model] += d.answers[a].logChars
		cnt[d.answers[a].model]++
	}
	for m := range mm {
		if cnt[m] > 0 {
			mm[m] /= cnt[m]
		}
	}
	y := make([]float64, len(rows))
	for j, a := range rows {
		y[j] = d.answers[a].logChars - mm[d.answers[a].model]
	}
	val := func(a int) float64 { return 1 / math.Sqrt(float64(len(d.answers[a].pr)+1)) }
	mul := func(w, out []float64) {
		for j, a := range rows {
			t := 0.0
			for _, b := range d.answers[a].pr {
				t += w[b]
			}
			out[j] = t * val(a)
		}
	}
	tmul := func(v, out []float64) {
		clear(out)
		for j, a := range rows {
			u := v[j] * val(a)
			for _, b := range d.answers[a].pr {
				out[b] += u
			}
		}
	}
	w := cgRidge(mul, tmul, y, 1<<studyHashBits, len(rows), 1)
	f := func(a int) float64 {
		t := 0.0
		for _, b := range d.answers[a].pr {
			t += w[b]
		}
		return d.answers[a].logChars - mm[d.answers[a].model] - t*val(a)
	}
	gramLenCache.Store(key, f)
	return f
}

// cgRidge solves (AᵀA + λI)w = Aᵀy by conjugate gradients.
func cgRidge(mul, tmul func(in, out []float64), y []float64, D, n int, lambda float64) []float64 {
	w := make([]float64, D)
	r := make([]float64, D)
	tmul(y, r)
	p := append([]float64{}, r...)
	ap := make([]float64, D)
	tmp := make([]float64, n)
	rr := dotF(r, r)
	r0 := rr
	for it := 0; it < studyCGIters && rr > 1e-12*r0; it++ {
		mul(p, tmp)
		tmul(tmp, ap)
		for i := range ap {
			ap[i] += lambda * p[i]
		}
		alpha := rr / dotF(p, ap)
		for i := range w {
			w[i] += alpha * p[i]
			r[i] -= alpha * ap[i]
		}
		nr := dotF(r, r)
		beta := nr / rr
		rr = nr
		for i := range p {
			p[i] = r[i] + beta*p[i]
		}
	}
	return w
}

func ridgeDense(x [][]float64, y []float64, lambda float64) []float64 {
	d := len(x[0])
	mul := func(w, out []float64) {
		for j := range x {
			out[j] = dotF(w, x[j])
		}
	}
	tmul := func(v, out []float64) {
		clear(out)
		for j := range x {
			for f := range x[j] {
				out[f] += x[j][f] * v[j]
			}
		}
	}
	return cgRidge(mul, tmul, y, d, len(x), lambda)
}

func dotF(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func cascadeAPGR(strong, weak, score []float64) float64 {
	r, err := eval.Cascade(strong, weak, score, []float64{1}, []float64{0})
	if err != nil {
		return math.NaN()
	}
	return r.APGR
}
