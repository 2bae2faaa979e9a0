package replay

import (
	"context"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/stretchr/testify/require"
)

// Exact with a nil Chooser panicked on the first record; it is a caller's
// mistake, reported as an error before any record is read.
func TestExactNilChooser(t *testing.T) {
	recs := []dataset.Record{{ID: "a", Prompt: "p", Outcomes: map[string]dataset.Outcome{"m": {Score: 1}}}}
	_, err := Exact(context.Background(), recs, nil)
	require.ErrorContains(t, err, "nil Chooser")
}
