package train_test

import (
	"fmt"
	"iter"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/train"
	"github.com/stretchr/testify/require"
)

// crafted yields one record naming models models, then rows records of one
// outcome each: a file of ~70 bytes a row whose scores training stores
// densely, models × rows of them.
func crafted(models, rows int) iter.Seq2[dataset.Record, error] {
	return func(yield func(dataset.Record, error) bool) {
		outs := make(map[string]dataset.Outcome, models)
		for j := range models {
			outs[fmt.Sprintf("m%03d", j)] = dataset.Outcome{Score: float64(j % 2)}
		}
		if !yield(dataset.Record{ID: "r0", Prompt: "first question", Outcomes: outs}, nil) {
			return
		}
		for i := 1; i <= rows; i++ {
			o := map[string]dataset.Outcome{fmt.Sprintf("m%03d", i%models): {Score: float64(i % 2)}}
			if !yield(dataset.Record{ID: fmt.Sprintf("r%d", i), Prompt: fmt.Sprintf("question %d", i), Outcomes: o}, nil) {
				return
			}
		}
	}
}

// Training stores each model's scores, targets and weights densely, models
// × rows of them (~40 bytes each with tuning's predictions): a 3.6 MB file
// naming 256 models once, then 50,000 one-outcome rows, took 886 MB. Past
// MaxCells the data fails with an error naming the row and why, before
// the tables grow further.
func TestDenseCellsBound(t *testing.T) {
	models := 256
	rows := train.MaxCells/models + 1
	_, err := train.LinearSeq(crafted(models, rows), train.Options{Lambdas: []float64{1}, IDF: train.IDFOff, HashBits: 10})
	require.Error(t, err)
	require.ErrorContains(t, err, fmt.Sprintf("%d models", models))
	require.ErrorContains(t, err, fmt.Sprintf("MaxCells %d", train.MaxCells))
	require.ErrorContains(t, err, fmt.Sprintf("record %q", fmt.Sprintf("r%d", train.MaxCells/models)))

	// Just under the bound trains.
	_, err = train.LinearSeq(crafted(4, 2000), train.Options{Lambdas: []float64{1}, IDF: train.IDFOff, HashBits: 10})
	require.NoError(t, err)
}

// MaxModels alone ignored HashBits: 256 models at 24 bits would take 32 GB
// of weights. The weight table, outputs × 2^HashBits, is bounded by
// MaxWeights, checked before it is allocated.
func TestWeightTableBound(t *testing.T) {
	for _, tc := range []struct {
		name   string
		models []string
		data   int
		diff   bool
	}{
		{name: "data's models", data: 8},
		{name: "Options.Models", models: []string{"m000", "m001", "m002", "m003", "m004"}, data: 5},
		{name: "difficulty head", data: 4, diff: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := train.Options{Lambdas: []float64{1}, IDF: train.IDFOff, HashBits: 24, Models: tc.models, Difficulty: tc.diff}
			_, err := train.LinearSeq(crafted(tc.data, 3), opts)
			require.Error(t, err)
			require.ErrorContains(t, err, "2^24")
			require.ErrorContains(t, err, "MaxWeights")
		})
	}
}
