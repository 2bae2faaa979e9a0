package calibrate_test

import (
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/internal/synthdata"
	"github.com/llmrouter/llmrouter/train"
	"github.com/stretchr/testify/require"
)

// synthDataset is synthdata.Dataset: outcomes with a learnable signal.
func synthDataset(n int) *dataset.Dataset { return synthdata.Dataset(n) }

func trainSynth(t testing.TB, opts train.Options) *llmrouter.LinearClassifier {
	t.Helper()
	c, err := train.Linear(synthDataset(200), opts)
	require.NoError(t, err)
	return c
}
