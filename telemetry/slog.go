package telemetry

import (
	"context"
	"log/slog"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/internal/secret"
)

// LogSink writes each decision it is given to a log/slog handler: one
// record "llmrouter request" per decision, at Info (Warn when the call
// failed), and, when the handler is enabled for Debug, one record
// "llmrouter attempt" per attempt before it. Records carry the router's
// times (the attempt's end, the call's end), not the time of logging, so
// they read the same under a fake clock. The end user (Hints.User) is not
// logged, and API keys and tokens in error messages are redacted. Safe
// for concurrent use as far as the handler is (slog's are); create it
// with NewLogSink. The zero value writes to slog.Default()'s
// handler (read at each decision), as NewLogSink(nil) does. A nil
// *LogSink is no sink: it writes nothing (llmrouter.WithSink ignores
// one).
type LogSink struct {
	h slog.Handler
}

var _ llmrouter.Sink = (*LogSink)(nil)

// NewLogSink returns a LogSink writing to l's handler (slog.Default()'s
// when l is nil).
func NewLogSink(l *slog.Logger) *LogSink {
	if l == nil {
		l = slog.Default()
	}
	return &LogSink{h: l.Handler()}
}

// Record implements llmrouter.Sink. A nil decision is ignored.
func (s *LogSink) Record(d *llmrouter.Decision) { s.RecordContext(context.Background(), d) }

// RecordContext is Record with ctx handed to the handler (handlers that
// add the trace id from the context use it). Its cancellation changes
// nothing.
func (s *LogSink) RecordContext(ctx context.Context, d *llmrouter.Decision) {
	if d == nil || s == nil {
		return
	}
	h := s.h
	if h == nil { // the zero value
		h = slog.Default().Handler()
	}
	if h.Enabled(ctx, slog.LevelDebug) {
		for i := range d.Attempts {
			attempt(ctx, h, d, i)
		}
	}
	level := slog.LevelInfo
	if d.Err != nil {
		level = slog.LevelWarn
	}
	if !h.Enabled(ctx, level) {
		return
	}
	r := slog.NewRecord(end(d), level, "llmrouter request", 0)
	r.AddAttrs(
		slog.String("id", d.ID),
		slog.String("model", d.Model),
		slog.String("answered", d.Answered),
		slog.Int("attempts", len(d.Attempts)),
		slog.Float64("cost_usd", d.Cost),
		slog.Int("input_tokens", d.Usage.InputTokens),
		slog.Int("output_tokens", d.Usage.OutputTokens),
		slog.Duration("latency", d.Latency),
	)
	if d.Usage.Estimated {
		r.AddAttrs(slog.Bool("estimated", true))
	}
	if d.Err != nil {
		r.AddAttrs(slog.String("error.type", requestCode(d)), slog.String("error", secret.String(d.Err.Error())))
	}
	_ = h.Handle(ctx, r) // a sink has no one to return an error to
}

func attempt(ctx context.Context, h slog.Handler, d *llmrouter.Decision, i int) {
	a := &d.Attempts[i]
	r := slog.NewRecord(a.Start.Add(a.Latency), slog.LevelDebug, "llmrouter attempt", 0)
	r.AddAttrs(
		slog.String("id", d.ID),
		slog.Int("n", i+1),
		slog.String("model", a.Model),
	)
	switch {
	case a.Skipped != "":
		r.AddAttrs(slog.String("outcome", outcomeSkipped), slog.String("skipped", a.Skipped))
		_ = h.Handle(ctx, r)
		return
	case a.Err != nil:
		r.AddAttrs(slog.String("outcome", outcomeError), slog.String("error.type", attemptCode(a)), slog.String("error", secret.String(a.Err.Error())))
	case a.Rejected != "":
		r.AddAttrs(slog.String("outcome", outcomeRejected), slog.String("rejected", a.Rejected))
	default:
		r.AddAttrs(slog.String("outcome", outcomeOK))
	}
	r.AddAttrs(
		slog.Duration("latency", a.Latency),
		slog.Int("input_tokens", a.Usage.InputTokens),
		slog.Int("output_tokens", a.Usage.OutputTokens),
		slog.Float64("cost_usd", a.Cost),
	)
	if a.Usage.Estimated {
		r.AddAttrs(slog.Bool("estimated", true))
	}
	if a.Hedged {
		r.AddAttrs(slog.Bool("hedged", true))
	}
	if a.Next != "" {
		r.AddAttrs(slog.String("next", a.Next))
	}
	_ = h.Handle(ctx, r)
}
