// Package synthdata makes the small outcomes dataset the tests of several
// packages train on: one with a signal a classifier can learn.
package synthdata

import (
	"fmt"

	"github.com/llmrouter/llmrouter/dataset"
)

// Dataset returns n records over two models, "strong" and "weak": the
// strong model answers everything, the weak one fails on prompts about
// integrals and proofs, and both fail on the unanswerable ones.
func Dataset(n int) *dataset.Dataset {
	topics := []struct {
		words        string
		strong, weak float64
	}{
		{"compute the integral and prove the bound", 1, 0},
		{"prove the theorem about the integral of x", 1, 0},
		{"what is the capital of this country", 1, 1},
		{"name the colour of the sky today", 1, 1},
		{"predict tomorrow's lottery numbers exactly", 0, 0},
	}
	ds := &dataset.Dataset{}
	for i := 0; i < n; i++ {
		t := topics[i%len(topics)]
		ds.Records = append(ds.Records, dataset.Record{
			ID:     fmt.Sprintf("synth/%d", i),
			Task:   fmt.Sprintf("t%d", i%len(topics)),
			Prompt: fmt.Sprintf("%s (case %d)", t.words, i),
			Outcomes: map[string]dataset.Outcome{
				"strong": {Score: t.strong},
				"weak":   {Score: t.weak},
			},
		})
	}
	return ds
}
