package train_test

import (
	"fmt"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/train"
	"github.com/stretchr/testify/require"
)

// Copied from the root's linear_test.go: a dataset with a learnable signal
// and a classifier trained on it.

// synthDataset is a small outcomes dataset with a learnable signal: the
// strong model answers everything, the weak one fails on prompts about
// integrals and proofs, and both fail on the unanswerable ones.
func synthDataset(n int) *dataset.Dataset {
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

func trainSynth(t testing.TB, opts train.Options) *llmrouter.LinearClassifier {
	t.Helper()
	c, err := train.Linear(synthDataset(200), opts)
	require.NoError(t, err)
	return c
}
