package train_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/train"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// oneOutcomeRows is what decisionlog.ExportOutcomes writes: each record
// holds the outcome of the one model that answered it, never two.
func oneOutcomeRows(n int) *dataset.Dataset {
	ds := &dataset.Dataset{}
	for i := range n {
		m, s := "small", float64(i%2)
		if i%3 == 0 {
			m, s = "big", 1
		}
		ds.Records = append(ds.Records, dataset.Record{
			ID: fmt.Sprintf("r%d", i), Prompt: fmt.Sprintf("question %d: what is %d plus %d?", i, i, i),
			Outcomes: map[string]dataset.Outcome{m: {Score: s}},
		})
	}
	return ds
}

// Tuning scores each setting by routing between the reference and each
// other model on records holding both outcomes. Records that never hold two
// (a decision-log export) give it nothing to score: training with the
// default candidates returned a model whose CVScore was NaN (0/0), which
// then could not be saved ('llmrouter train' failed with '-o: json:
// unsupported value: NaN'). It is an error naming the cause and the way
// out; a single setting, which needs no tuning, trains and saves.
func TestTuningWithoutComparableOutcomes(t *testing.T) {
	ds := oneOutcomeRows(120)
	_, err := train.Linear(ds, train.Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no record holds outcomes of both")
	assert.Contains(t, err.Error(), "give a single lambda")

	c, err := train.Linear(ds, train.Options{Lambdas: []float64{1}, IDF: train.IDFOff})
	require.NoError(t, err)
	var buf bytes.Buffer
	_, err = c.WriteTo(&buf)
	require.NoError(t, err)
}
