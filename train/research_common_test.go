//go:build research

package train

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/eval"
	"github.com/stretchr/testify/require"
)

// researchSeeds returns the outer fold seeds of LLMR_SEEDS
// (comma-separated), 1 when it is unset.
func researchSeeds(t *testing.T) []uint64 {
	s := os.Getenv("LLMR_SEEDS")
	if s == "" {
		return []uint64{1}
	}
	var seeds []uint64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseUint(f, 10, 64)
		require.NoError(t, err, "LLMR_SEEDS")
		seeds = append(seeds, v)
	}
	return seeds
}

// pooledCV gathers one cross-validation's out-of-fold scores, as `eval`
// pools them.
type pooledCV struct{ st, wk, sc, per []float64 }

// addFold adds a fold: the strong and weak models' scores on its test
// records and the variant's scores of them, in the same order.
func (p *pooledCV) addFold(test *dataset.Dataset, strong, weak string, sc []float64) {
	var st, wk []float64
	for _, r := range test.Records {
		st = append(st, r.Outcomes[strong].Score)
		wk = append(wk, r.Outcomes[weak].Score)
	}
	a, _ := eval.APGR(st, wk, sc)
	p.per = append(p.per, a)
	p.st, p.wk, p.sc = append(p.st, st...), append(p.wk, wk...), append(p.sc, sc...)
}

// result returns the pooled APGR and the mean of the folds' APGRs,
// checking that each of the n rows was scored once.
func (p *pooledCV) result(t *testing.T, n int) (pooled, foldMean float64) {
	a, err := eval.APGR(p.st, p.wk, p.sc)
	require.NoError(t, err)
	require.Len(t, p.sc, n, "every row scored once, out of fold")
	var m float64
	for _, x := range p.per {
		m += x
	}
	return a, m / float64(len(p.per))
}
