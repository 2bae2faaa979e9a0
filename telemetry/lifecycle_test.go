package telemetry_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/llmrouter/llmrouter/breaker"
	"github.com/llmrouter/llmrouter/telemetry"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSinkIgnoresContextEnd: RecordContext under a context that ended
// before the call (cancelled, or past its deadline) records the same
// spans, metrics and log record as under a live one: the decision
// happened whatever the caller did after.
func TestSinkIgnoresContextEnd(t *testing.T) {
	ended := func(f func(context.Context) (context.Context, context.CancelFunc)) context.Context {
		ctx, cancel := f(context.Background())
		cancel()
		return ctx
	}
	for _, tc := range []struct {
		name string
		ctx  context.Context
	}{
		{"live", context.Background()},
		{"cancelled", ended(context.WithCancel)},
		{"deadline passed", ended(func(ctx context.Context) (context.Context, context.CancelFunc) {
			return context.WithDeadline(ctx, t0) // long past
		})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, telemetry.Options{})
			h.sink.RecordContext(tc.ctx, fallbackDecision())
			assert.Len(t, h.byName("llmrouter.request"), 1)
			assert.Len(t, h.spans.Ended(), 3, "the request span and one per model called (the skip is an event)")
			pts, ok := points(h.collect(t), "llmrouter.requests")
			require.True(t, ok)
			require.Len(t, pts, 1)
			assert.Equal(t, 1.0, pts[0].value)

			var buf strings.Builder
			ls := telemetry.NewLogSink(slog.New(slog.NewJSONHandler(&buf, nil)))
			ls.RecordContext(tc.ctx, fallbackDecision())
			assert.Contains(t, buf.String(), `"d-1"`)
		})
	}
}

// TestSinkCloseTwiceAndRecordAfter: Close stops the breaker gauge (a
// collection after it reports none), a second Close is a no-op, and the
// sink still records decisions after Close, as documented.
func TestSinkCloseTwiceAndRecordAfter(t *testing.T) {
	reg := breaker.NewRegistry(breaker.Settings{})
	h := newHarness(t, telemetry.Options{Breakers: reg, Models: []string{"small", "large"}})
	_, ok := points(h.collect(t), "llmrouter.breaker.state")
	require.True(t, ok, "the gauge reports before Close")
	require.NoError(t, h.sink.Close())
	require.NoError(t, h.sink.Close())
	h.sink.Record(fallbackDecision())
	rm := h.collect(t)
	_, ok = points(rm, "llmrouter.breaker.state")
	assert.False(t, ok, "no gauge after Close")
	pts, ok := points(rm, "llmrouter.requests")
	require.True(t, ok)
	assert.Equal(t, 1.0, pts[0].value, "a decision after Close is recorded")
}

// TestSinkCloseConcurrent: Close from several goroutines at once (a
// service's shutdown hooks) unregisters the breaker gauge once, with no
// race (run under -race), while decisions are still being recorded.
func TestSinkCloseConcurrent(t *testing.T) {
	reg := breaker.NewRegistry(breaker.Settings{})
	h := newHarness(t, telemetry.Options{Breakers: reg, Models: []string{"small", "large"}})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(2)
		go func() { defer wg.Done(); assert.NoError(t, h.sink.Close()) }()
		go func() { defer wg.Done(); h.sink.Record(fallbackDecision()) }()
	}
	wg.Wait()
	rm := h.collect(t)
	_, ok := points(rm, "llmrouter.breaker.state")
	assert.False(t, ok, "no gauge after Close")
	pts, ok := points(rm, "llmrouter.requests")
	require.True(t, ok)
	assert.Equal(t, 4.0, pts[0].value)
}
