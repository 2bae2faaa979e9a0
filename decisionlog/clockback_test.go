package decisionlog

import (
	"sync"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/stretchr/testify/require"
)

// backClock steps back an hour at every Now: a wall clock corrected
// backwards (NTP) between rotations. Its timers never fire.
type backClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *backClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(-time.Hour)
	return c.t
}

func (c *backClock) After(time.Duration) <-chan time.Time { return nil }

// File names carry the time a file was opened so that they sort in write
// order, which Scan and the exports read as log order. A wall clock set
// back between rotations named the newer file earlier, so Scan read the
// log out of order. A Log's file names now never go back in time.
func TestFileNamesKeepOrderWhenClockStepsBack(t *testing.T) {
	ids := []string{"d1", "d2", "d3", "d4"}
	dir := t.TempDir()
	l, err := Open(dir, Options{MaxFileBytes: 1, Clock: &backClock{t: testStart}})
	require.NoError(t, err)
	for _, id := range ids {
		l.Record(&llmrouter.Decision{ID: id})
	}
	require.NoError(t, l.Close())
	files, err := Files(dir)
	require.NoError(t, err)
	require.Len(t, files, len(ids), "one record per file")
	var got []string
	_, err = Scan(dir, func(e *Entry) error { got = append(got, e.ID); return nil })
	require.NoError(t, err)
	require.Equal(t, ids, got)
}
