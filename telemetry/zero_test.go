package telemetry_test

import (
	"bytes"
	"log/slog"
	"testing"

	"github.com/llmrouter/llmrouter/telemetry"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The zero LogSink writes to slog.Default()'s handler, as NewLogSink(nil)
// does; it panicked with a nil pointer dereference. (Not parallel: it
// sets the default logger.)
func TestLogSinkZeroValue(t *testing.T) {
	old := slog.Default()
	t.Cleanup(func() { slog.SetDefault(old) })
	var buf bytes.Buffer
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))

	var s telemetry.LogSink
	require.NotPanics(t, func() { s.Record(fallbackDecision()) })
	var want bytes.Buffer
	telemetry.NewLogSink(slog.New(slog.NewTextHandler(&want, &slog.HandlerOptions{Level: slog.LevelDebug}))).Record(fallbackDecision())
	require.NotEmpty(t, want.String())
	assert.Equal(t, want.String(), buf.String())
}

// A Sink NewSink did not make (its zero value) panics naming NewSink when
// it records (a router recovers a sink's panic and logs it); it panicked
// with a nil pointer dereference. Close has nothing to stop.
func TestSinkZeroValue(t *testing.T) {
	var s telemetry.Sink
	assert.PanicsWithValue(t, "telemetry: Sink not made by NewSink (its zero value is not usable)",
		func() { s.Record(fallbackDecision()) })
	assert.NoError(t, s.Close())
}
