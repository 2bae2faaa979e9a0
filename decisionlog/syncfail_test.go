package decisionlog

import (
	"context"
	"errors"
	"io"
	"os"
	"sync/atomic"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSyncErrorFailsUnsynced: when an fsync fails, the records written
// since the last good one may not be on disk; they count as Failed (as
// well as Written, never Synced), the error is reported by Err, by the
// Feedback or Close whose fsync failed, and the log goes on in a new file
// whose records are synced.
func TestSyncErrorFailsUnsynced(t *testing.T) {
	errSync := errors.New("fsync: input/output error (injected)")
	for _, tc := range []struct {
		name string
		// fail makes the failing fsync happen and returns the error of the
		// call that ran it.
		fail func(l *Log, r *llmrouter.Router) error
	}{
		{"Feedback's fsync", func(l *Log, _ *llmrouter.Router) error {
			return l.Feedback(context.Background(), "d00001", 1, "")
		}},
		{"Close's fsync", func(l *Log, _ *llmrouter.Router) error { return l.Close() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			clock := routertest.NewClock(testStart)
			var fail atomic.Bool
			fail.Store(true)
			l, err := Open(dir, Options{Clock: clock, syncFile: func(f *os.File) error {
				if fail.CompareAndSwap(true, false) {
					return errSync
				}
				return f.Sync()
			}})
			require.NoError(t, err)
			r := newRouter(t, clock, []llmrouter.Sink{l})
			generate(t, r, "", "one")
			generate(t, r, "", "two")
			require.True(t, routertest.Eventually(func() bool { return l.Stats().Written == 2 }))
			require.ErrorIs(t, tc.fail(l, r), errSync)
			require.ErrorIs(t, l.Err(), errSync)
			st := l.Stats()
			assert.Equal(t, int64(0), st.Synced)
			assert.Equal(t, st.Written, st.Failed, "every written record whose fsync failed is Failed: %+v", st)
			assert.Equal(t, int64(1), st.Syncs)

			// The log goes on in a new file (unless it was closed).
			if tc.name == "Close's fsync" {
				return
			}
			generate(t, r, "", "three")
			require.ErrorIs(t, l.Close(), errSync, "Close returns Err, the last error")
			st = l.Stats()
			assert.Equal(t, Stats{Written: 4, Synced: 1, Failed: 3, Files: 2, Syncs: 2}, st)
			entries, _ := scanAll(t, dir)
			assert.Len(t, entries, 4, "the fsync failed, the records are still there on this machine")
		})
	}
}

// toggleWriter fails its writes while fail is set.
type toggleWriter struct {
	w    io.Writer
	fail *atomic.Bool
}

func (t toggleWriter) Write(p []byte) (int, error) {
	if t.fail.Load() {
		return 0, errors.New("disk full (injected)")
	}
	return t.w.Write(p)
}

// TestWriteErrorSyncsEarlierRecords: a write error loses its batch
// (Failed); the records the file took before it, written but not yet
// fsynced, are fsynced before the file is dropped (Synced), so that each
// record ends in Synced or Failed.
func TestWriteErrorSyncsEarlierRecords(t *testing.T) {
	for _, tc := range []struct {
		name      string
		syncErr   error
		want      Stats
		wantInErr []string
	}{
		{"the fsync succeeds", nil, Stats{Written: 1, Synced: 1, Failed: 1, Files: 1, Syncs: 1}, []string{"disk full"}},
		{"the fsync fails too", errors.New("EIO (injected)"), Stats{Written: 1, Failed: 2, Files: 1, Syncs: 1}, []string{"disk full", "EIO"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			clock := routertest.NewClock(testStart)
			var failWrite atomic.Bool
			l, err := Open(dir, Options{Clock: clock,
				wrapFile: func(w io.Writer) io.Writer { return toggleWriter{w: w, fail: &failWrite} },
				syncFile: func(f *os.File) error {
					if tc.syncErr != nil {
						return tc.syncErr
					}
					return f.Sync()
				}})
			require.NoError(t, err)
			r := newRouter(t, clock, []llmrouter.Sink{l})
			generate(t, r, "", "written, not yet synced")
			require.True(t, routertest.Eventually(func() bool { return l.Stats().Written == 1 }))
			failWrite.Store(true)
			generate(t, r, "", "lost")
			require.True(t, routertest.Eventually(func() bool { st := l.Stats(); return st.Synced+st.Failed == 2 }))
			failWrite.Store(false)
			assert.Equal(t, tc.want, l.Stats())
			for _, s := range tc.wantInErr {
				assert.ErrorContains(t, l.Err(), s)
			}
			require.Error(t, l.Close())
		})
	}
}
