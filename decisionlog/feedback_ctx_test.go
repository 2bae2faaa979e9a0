package decisionlog

import (
	"context"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// Feedback under a context that has already ended returns its error and
// writes nothing: a caller told "canceled" may retry without logging the
// grade twice. (A select between the ready queue and the ended context
// used to write it about half the time.)
func TestFeedbackEndedContextWritesNothing(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, Options{})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for i := range 200 {
		// A grade that is written, so the writer is back at its queues.
		require.NoError(t, l.Feedback(context.Background(), "ok", 1, ""))
		runtime.Gosched()
		require.ErrorIs(t, l.Feedback(ctx, decisionID(i), 0.5, ""), context.Canceled)
	}
	require.NoError(t, l.Close())
	entries, _ := scanAll(t, dir)
	written := 0
	for _, e := range entries {
		if e.ID != "ok" {
			written++
		}
	}
	require.Zero(t, written, "grades written under an ended context")
	require.Equal(t, 200, len(entries)-written)
}
