package train_test

import (
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/internal/synthdata"
)

// synthDataset is synthdata.Dataset: outcomes with a learnable signal.
func synthDataset(n int) *dataset.Dataset { return synthdata.Dataset(n) }
