//go:build research

// Research harness for issue 9 (MMLU ≥ 0.68): pooled 5-fold nested CV of
// training variants, outer folds as `llmrouter eval` makes them, tuning
// inside each training fold. Not part of the normal test run:
//
//	LLMR_RESEARCH=base,dw0 LLMR_SEEDS=1,2,3 go test -tags research -run TestResearchMMLU -v -timeout 60m ./train
//	LLMR_DATA=routellm-gsm8k.jsonl LLMR_RESEARCH=base,dw0 go test -tags research -run TestResearchMMLU -v ./train
package train

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/eval"
	"github.com/llmrouter/llmrouter/internal/shareddata"
	"github.com/stretchr/testify/require"
)

type variant struct {
	aug  func(string) string
	name string
	opts Options
	hook func(tasks []string) func(ts *trainMatrix, pr *problem)
}

// smoothTask: y' = a*y + (1-a)*shrunk task mean (prior k rows toward the global mean).
func smoothTask(a, k float64) func(tasks []string) func(ts *trainMatrix, pr *problem) {
	return func(tasks []string) func(ts *trainMatrix, pr *problem) {
		return func(ts *trainMatrix, pr *problem) {
			for o := range pr.y {
				y, w := pr.y[o], pr.w[o]
				sum := map[string]float64{}
				cnt := map[string]float64{}
				var gs, gc float64
				for i := range y {
					if w[i] == 0 {
						continue
					}
					sum[tasks[i]] += y[i]
					cnt[tasks[i]]++
					gs += y[i]
					gc++
				}
				g := gs / gc
				for i := range y {
					if w[i] == 0 {
						continue
					}
					t := tasks[i]
					m := (sum[t] + k*g) / (cnt[t] + k)
					y[i] = a*y[i] + (1-a)*m
				}
			}
		}
	}
}

// researchMMLU skips the test unless LLMR_RESEARCH names variants to run,
// and loads LLMR_DATA (default routellm-mmlu.jsonl) from the shared data,
// returning it and the file's name.
func researchMMLU(t *testing.T) (ds *dataset.Dataset, file string) {
	t.Helper()
	if os.Getenv("LLMR_RESEARCH") == "" {
		t.Skip("research harness: set LLMR_RESEARCH=variant,... to run")
	}
	file = os.Getenv("LLMR_DATA")
	if file == "" {
		file = "routellm-mmlu.jsonl"
	}
	ds, err := dataset.Load(shareddata.Path(t, file))
	require.NoError(t, err)
	return ds, file
}

// researchRouterBench skips the test unless LLMR_RESEARCH names variants
// to run, and loads RouterBench's training and test splits.
func researchRouterBench(t *testing.T) (trainDS, testDS *dataset.Dataset) {
	t.Helper()
	if os.Getenv("LLMR_RESEARCH") == "" {
		t.Skip("research harness: set LLMR_RESEARCH=variant,... to run")
	}
	trainDS, err := dataset.Load(shareddata.Path(t, "routerbench-train.jsonl"))
	require.NoError(t, err)
	testDS, err = dataset.Load(shareddata.Path(t, "routerbench-test.jsonl"))
	require.NoError(t, err)
	return trainDS, testDS
}

func TestResearchMMLU(t *testing.T) {
	ds, _ := researchMMLU(t)
	strong, weak := "gpt-4-1106-preview", "mistralai/Mixtral-8x7B-Instruct-v0.1"
	variants := map[string]variant{
		"base":      {name: "base"},
		"dw03":      {opts: Options{DenseWeights: []float64{0.3}}},
		"dw1":       {opts: Options{DenseWeights: []float64{1}}},
		"dw003":     {opts: Options{DenseWeights: []float64{0.03}}},
		"dwgrid":    {opts: Options{DenseWeights: []float64{0.1, 0.3, 1}}},
		"dw0":       {opts: Options{DenseWeights: []float64{0}}},
		"dw001":     {opts: Options{DenseWeights: []float64{0.01}}},
		"dw003s07":  {opts: Options{DenseWeights: []float64{0.03}}, hook: smoothTask(0.7, 0)},
		"lam300":    {opts: Options{Lambdas: []float64{0.3, 1, 3, 10, 30, 100, 300}}},
		"idfon2dw":  {opts: Options{IDF: IDFOn, DenseWeights: []float64{0, 0.1}}},
		"idfon":     {opts: Options{IDF: IDFOn}},
		"dw0pfx5":   {opts: Options{DenseWeights: []float64{0}}, aug: prefixAug(5, 6)},
		"dw0pfx4":   {opts: Options{DenseWeights: []float64{0}}, aug: prefixAug(4, 5)},
		"dw0sfx4":   {opts: Options{DenseWeights: []float64{0}}, aug: suffixAug(4, 6)},
		"dwgrid0":   {opts: Options{DenseWeights: []float64{0, 0.1}}},
		"dw0s07":    {opts: Options{DenseWeights: []float64{0}}, hook: smoothTask(0.7, 0)},
		"dw0s05":    {opts: Options{DenseWeights: []float64{0}}, hook: smoothTask(0.5, 0)},
		"dw0s07b20": {opts: Options{DenseWeights: []float64{0}, HashBits: 20}, hook: smoothTask(0.7, 0)},
		"bits20":    {opts: Options{HashBits: 20}},
		"s05":       {hook: smoothTask(0.5, 0)},
		"s03":       {hook: smoothTask(0.3, 0)},
		"s07":       {hook: smoothTask(0.7, 0)},
		"s0":        {hook: smoothTask(0, 0)},
		"s05k20":    {hook: smoothTask(0.5, 20)},
	}
	for k := 0; k < 10; k++ {
		variants[fmt.Sprintf("abl%d", k)] = variant{hook: ablate(k)}
	}
	seeds := researchSeeds(t)
	for _, name := range strings.Split(os.Getenv("LLMR_RESEARCH"), ",") {
		v, ok := variants[name]
		if !ok {
			t.Fatalf("unknown variant %q", name)
		}
		for _, seed := range seeds {
			folds, err := eval.DatasetFolds(ds, 5, seed, false)
			if err != nil {
				t.Fatal(err)
			}
			var pool pooledCV
			var chosen []string
			start := time.Now()
			for _, f := range folds {
				trainDS, testDS := eval.Subset(ds, f.Train), eval.Subset(ds, f.Test)
				if v.aug != nil {
					for _, d := range []*dataset.Dataset{trainDS, testDS} {
						for i := range d.Records {
							d.Records[i].Prompt = v.aug(d.Records[i].Prompt)
						}
					}
				}
				tasks := make([]string, trainDS.Len())
				for i, r := range trainDS.Records {
					tasks[i] = r.Task
				}
				if v.hook != nil {
					researchHook = v.hook(tasks)
				}
				o := v.opts
				o.Seed = 1
				c, err := Linear(trainDS, o)
				researchHook = nil
				if err != nil {
					t.Fatal(err)
				}
				inf := c.Info()
				chosen = append(chosen, fmt.Sprintf("idf=%v dw=%g λ=%g", inf.IDF, inf.DenseWeight, inf.Lambda))
				models := c.Models()
				si, wi := -1, -1
				for j, m := range models {
					if m == strong {
						si = j
					}
					if m == weak {
						wi = j
					}
				}
				var fsc []float64
				for _, r := range testDS.Records {
					p, _ := c.Predict(r.Prompt)
					fsc = append(fsc, p[si]-p[wi])
				}
				pool.addFold(testDS, strong, weak, fsc)
			}
			a, m := pool.result(t, ds.Len())
			require.Greater(t, a, 0.55, "%s: a trained router beats prompt length (0.58) on this data", name)
			t.Logf("RESULT %-8s seed %d pooled APGR %.4f (fold mean %.4f) %.0fs %v", name, seed, a, m, time.Since(start).Seconds(), chosen)
		}
	}
}

func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
}

// prefixAug appends, for each word of at least min letters, a token "qzp"+its first n letters.
func prefixAug(n, min int) func(string) string {
	return func(s string) string {
		var b strings.Builder
		b.WriteString(s)
		b.WriteString("\n")
		for _, w := range words(s) {
			if len(w) >= min {
				b.WriteString(" qzp")
				b.WriteString(w[:n])
			}
		}
		return b.String()
	}
}

func suffixAug(n, min int) func(string) string {
	return func(s string) string {
		var b strings.Builder
		b.WriteString(s)
		b.WriteString("\n")
		for _, w := range words(s) {
			if len(w) >= min {
				b.WriteString(" qzs")
				b.WriteString(w[len(w)-n:])
			}
		}
		return b.String()
	}
}

func ablate(k int) func(tasks []string) func(ts *trainMatrix, pr *problem) {
	return func(tasks []string) func(ts *trainMatrix, pr *problem) {
		return func(ts *trainMatrix, pr *problem) {
			for i := range ts.dense {
				ts.dense[i][k] = 0
			}
		}
	}
}
