package main

import (
	"bytes"
	"testing"

	"github.com/llmrouter/llmrouter/eval"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Two folds, each ranked perfectly on its own scale, on different scales:
//
//	fold A: gain 1 at score .9, gain 0 at .8    exact APGR .75 (PGR 0, 1, 1)
//	fold B: gain 1 at score .2, gain 0 at .1    exact APGR .75
//
// Pooled, the order is gains 1, 0, 1, 0: quality 0, .25, .25, .5, .5 over
// shares 0, ¼, ½, ¾, 1 (q_strong .5), PGR 0, .5, .5, 1, 1, exact APGR .625.
// The per-fold mean flatters by .125. A third fold comparing another pair
// is left out.
func TestPoolBinary(t *testing.T) {
	fold := func(strong, weak string, st, wk, sc []float64) *result {
		b := &binaryResult{strong: strong, weak: weak, st: st, wk: wk}
		require.NoError(t, b.evaluate(sc, []string{"a", "bb"}))
		return &result{bin: b}
	}
	results := []*result{
		fold("s", "w", []float64{1, 0}, []float64{0, 0}, []float64{.9, .8}),
		fold("s", "w", []float64{1, 0}, []float64{0, 0}, []float64{.2, .1}),
		{},
		fold("s", "x", []float64{1, 0}, []float64{0, 0}, []float64{.2, .1}),
	}
	for _, r := range results[:2] {
		assert.InDelta(t, .75, r.bin.router.StepAPGR, 1e-12)
	}
	p, skipped, err := poolBinary(results)
	require.NoError(t, err)
	assert.Equal(t, 2, skipped)
	assert.Equal(t, 4, p.n)
	assert.InDelta(t, .625, p.router.StepAPGR, 1e-12)
	want, err := eval.APGR([]float64{1, 0, 1, 0}, []float64{0, 0, 0, 0}, []float64{.9, .8, .2, .1})
	require.NoError(t, err)
	assert.InDelta(t, want, p.router.APGR, 1e-12)

	var out bytes.Buffer
	e := &evaluator{out: &out}
	require.NoError(t, e.printPooled(2, results[:2], binaryRow{apgr: []float64{.75, .7}}))
	assert.Contains(t, out.String(), "the out-of-fold scores of 4 prompts pooled")
	assert.Regexp(t, `router +\S+ +\S+ +\S+ +0\.6250\n`, out.String())
	assert.Contains(t, out.String(), "router APGR per fold: mean 0.7250 ± 0.0250 (standard error), range 0.7000–0.7500 over 2 folds")
}

func TestEvalCVReportsPooled(t *testing.T) {
	dir := t.TempDir()
	data := writeSynth(t, dir, "train.jsonl", 0, 72, mStrong, mWeak)
	out := runOK(t, append(append([]string{"eval"}, fastTrain...), "-cv", "3", data)...)
	assert.Contains(t, out, "pooled:  acme/strong-xl vs acme/weak-7b, 3-fold cross-validation: the out-of-fold scores of 72 prompts pooled")
	assert.Regexp(t, `folds: +router APGR per fold: mean 0\.\d{4} ± 0\.\d{4} \(standard error\), range 0\.\d{4}–0\.\d{4} over 3 folds; pooled 0\.\d{4}`, out)
}
