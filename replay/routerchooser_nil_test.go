package replay

import (
	"context"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/stretchr/testify/require"
)

// RouterChooser(nil) (a router whose New failed) panicked on the first
// record Exact replayed; its chooser now fails naming the cause, which
// Exact reports for the first record.
func TestRouterChooserNilRouter(t *testing.T) {
	recs := []dataset.Record{{ID: "a", Prompt: "p", Outcomes: map[string]dataset.Outcome{"m": {Score: 1}}}}
	var r *llmrouter.Router
	var err error
	require.NotPanics(t, func() { _, err = Exact(context.Background(), recs, RouterChooser(r)) })
	var re *RecordError
	require.ErrorAs(t, err, &re)
	require.Equal(t, "a", re.ID)
	require.ErrorContains(t, err, "RouterChooser: nil Router")
}
