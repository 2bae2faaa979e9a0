package train_test

import (
	"fmt"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/train"
	"github.com/stretchr/testify/require"
)

// A dataset naming more than MaxModels models fails with an error naming
// the limit and the record, before the weights are allocated: each model's
// weights take 2^HashBits float64s while training, so a crafted 1.3 MB file
// of 20 rows × 3,000 models used to take 6.2 GB and 70 s (and OOM with more).
func TestMoreThanMaxModels(t *testing.T) {
	outs := make(map[string]dataset.Outcome, train.MaxModels+1)
	for i := range train.MaxModels + 1 {
		outs[fmt.Sprintf("m%04d", i)] = dataset.Outcome{Score: float64(i % 2)}
	}
	ds := &dataset.Dataset{Records: []dataset.Record{
		{ID: "a", Prompt: "one question", Outcomes: map[string]dataset.Outcome{"m0000": {Score: 1}, "m0001": {Score: 0}}},
		{ID: "b", Prompt: "another question", Outcomes: outs},
	}}
	_, err := train.Linear(ds, train.Options{Lambdas: []float64{1}, IDF: train.IDFOff})
	require.Error(t, err)
	require.Contains(t, err.Error(), fmt.Sprintf("more than %d models", train.MaxModels))
	require.Contains(t, err.Error(), `record "b"`)
	require.Contains(t, err.Error(), "the CLI's -models", "the CLI prints this error too: it names the flag as well as the option")

	many := make([]string, train.MaxModels+1)
	for i := range many {
		many[i] = fmt.Sprintf("m%04d", i)
	}
	_, err = train.Linear(ds, train.Options{Lambdas: []float64{1}, IDF: train.IDFOff, Models: many})
	require.ErrorContains(t, err, fmt.Sprintf("%d models; at most %d", len(many), train.MaxModels))
}
