package decisionlog

import (
	"testing"

	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/require"
)

// A Clock given as a nil pointer passed Open's nil check and panicked on
// the log's own goroutine at the first record, taking the process down
// (no recover there). Open now fails naming the option.
func TestOpenRejectsNilPointerClock(t *testing.T) {
	var l *Log
	var err error
	require.NotPanics(t, func() { l, err = Open(t.TempDir(), Options{Clock: (*routertest.Clock)(nil)}) })
	require.Nil(t, l)
	require.EqualError(t, err, "decisionlog: Open: Options.Clock is a nil *routertest.Clock (did its constructor fail?)")
}
