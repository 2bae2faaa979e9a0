package decisionlog

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// failAlways is a file wrapper whose every write fails.
type failAlways struct{}

func (failAlways) Write([]byte) (int, error) { return 0, errors.New("I/O error (injected)") }

// TestFailingDiskLeavesNoEmptyFiles: while every write fails, each batch
// opens a new file (the log goes on with a new file after an error); a
// file that took no byte is removed when it is dropped, so a failing
// disk does not fill the directory with one empty file per batch. Every
// record is counted Failed and the error is reported.
func TestFailingDiskLeavesNoEmptyFiles(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir, Options{Clock: routertest.NewClock(testStart), wrapFile: func(io.Writer) io.Writer { return failAlways{} }})
	require.NoError(t, err)
	const batches = 50
	for i := range batches {
		// Feedback waits for its batch: one batch, one file, each time.
		assert.ErrorContains(t, l.Feedback(context.Background(), decisionID(i), 1, ""), "I/O error (injected)")
	}
	require.ErrorContains(t, l.Close(), "I/O error (injected)")
	st := l.Stats()
	assert.Equal(t, int64(batches), st.Failed)
	assert.Equal(t, int64(batches), st.Files, "a file opened per batch")
	files, err := Files(dir)
	require.NoError(t, err)
	assert.Empty(t, files, "files that took nothing are removed")
}
