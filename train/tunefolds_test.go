package train_test

import (
	"fmt"
	"testing"

	"github.com/llmrouter/llmrouter/train"
	"github.com/stretchr/testify/require"
)

// Fewer than two tuning folds is a bad option, not too little data: the
// error says so instead of "50 distinct prompts are too few for 1 tuning
// folds".
func TestTuneFoldsBelowTwo(t *testing.T) {
	ds := synthDataset(60)
	for _, k := range []int{1, -3} {
		t.Run(fmt.Sprint(k), func(t *testing.T) {
			_, err := train.Linear(ds, train.Options{HashBits: 10, Lambdas: []float64{1, 10}, TuneFolds: k})
			require.Error(t, err)
			require.Contains(t, err.Error(), fmt.Sprintf("TuneFolds %d", k))
			require.Contains(t, err.Error(), "at least 2")
			require.NotContains(t, err.Error(), "too few")
		})
	}
}
