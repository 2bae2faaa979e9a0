package decisionlog_test

import (
	"testing"

	"github.com/llmrouter/llmrouter/decisionlog"
	"github.com/stretchr/testify/require"
)

// QueueSize had no upper bound: Open made a channel of any size (1<<40
// crashed the process with "makechan: size out of range"; 1<<30 reserved
// gigabytes). Open now refuses sizes past MaxQueueSize, naming the option.
func TestOpenBoundsQueue(t *testing.T) {
	var err error
	require.NotPanics(t, func() { _, err = decisionlog.Open(t.TempDir(), decisionlog.Options{QueueSize: 1 << 30}) })
	require.EqualError(t, err, "decisionlog: Options.QueueSize 1073741824 is above MaxQueueSize (1048576)")
	l, err := decisionlog.Open(t.TempDir(), decisionlog.Options{QueueSize: decisionlog.MaxQueueSize})
	require.NoError(t, err)
	require.NoError(t, l.Close())
}
