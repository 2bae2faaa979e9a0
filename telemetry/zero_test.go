package telemetry_test

import (
	"bytes"
	"context"
	"log/slog"
	"testing"

	"github.com/llmrouter/llmrouter/breaker"
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

// NewSink fails, naming the field, on a breaker gauge half configured
// (Breakers without Models, or Models without Breakers: the gauge was
// left off without a word) and on an empty or repeated model name (a
// gauge series per name).
func TestNewSinkRejectsBadGauge(t *testing.T) {
	reg := breaker.NewRegistry(breaker.Settings{})
	for _, tt := range []struct {
		name string
		o    telemetry.Options
		want string
	}{
		{"breakers without models", telemetry.Options{Breakers: reg},
			"telemetry: Options.Breakers is set but Models is empty: the breaker gauge needs the router's model names"},
		{"models without breakers", telemetry.Options{Models: []string{"a"}},
			"telemetry: Options.Models is set but Breakers is nil: the breaker gauge needs the router's Breakers()"},
		{"empty model name", telemetry.Options{Breakers: reg, Models: []string{"a", ""}},
			`telemetry: Options.Models[1] is empty`},
		{"repeated model name", telemetry.Options{Breakers: reg, Models: []string{"a", "b", "a"}},
			`telemetry: Options.Models[2] "a" repeats Models[0]`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := telemetry.NewSink(tt.o)
			assert.EqualError(t, err, tt.want)
		})
	}
	s, err := telemetry.NewSink(telemetry.Options{Breakers: reg, Models: []string{"a", "b"}})
	require.NoError(t, err)
	require.NoError(t, s.Close())
}

// A nil *Sink or *LogSink is no sink: it records nothing (Close has
// nothing to stop), as llmrouter.WithSink already takes one. Both
// panicked with a nil pointer dereference.
func TestNilSinkRecordsNothing(t *testing.T) {
	old := slog.Default()
	t.Cleanup(func() { slog.SetDefault(old) })
	var buf bytes.Buffer
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))

	var s *telemetry.Sink
	var l *telemetry.LogSink
	require.NotPanics(t, func() {
		s.Record(fallbackDecision())
		s.RecordContext(context.Background(), fallbackDecision())
		assert.NoError(t, s.Close())
		l.Record(fallbackDecision())
		l.RecordContext(context.Background(), fallbackDecision())
	})
	assert.Empty(t, buf.String(), "a nil LogSink writes nothing, to the default logger neither")
}
