package telemetry_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/telemetry"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

var t0 = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

var errBoom = errors.New("boom")

var errRateLimit = &llms.Error{Code: llms.ErrCodeRateLimit, Message: "429: slow down"}

// fallbackDecision: small fails with a rate limit, mid is skipped (cooling
// down), large answers.
func fallbackDecision() *llmrouter.Decision {
	return &llmrouter.Decision{
		ID: "d-1", Time: t0, Model: "small", Answered: "large",
		Hints:      llmrouter.Hints{User: "alice@example.com", Tier: "pro"},
		Prediction: llmrouter.Prediction{Label: "math", Difficulty: 0.75},
		Usage:      llmrouter.Usage{InputTokens: 30, OutputTokens: 400},
		Cost:       0.004075, Latency: 900 * time.Millisecond,
		Attempts: []llmrouter.Attempt{
			{Model: "small", Reason: "cheapest adequate", Start: t0.Add(10 * time.Millisecond), Latency: 200 * time.Millisecond,
				Code: llms.ErrCodeRateLimit, Err: errRateLimit, Next: "next model"},
			{Model: "mid", Reason: "fallback", Start: t0.Add(210 * time.Millisecond), Skipped: "cooling down"},
			{Model: "large", Reason: "fallback", Start: t0.Add(220 * time.Millisecond), Latency: 600 * time.Millisecond,
				Usage: llmrouter.Usage{InputTokens: 30, OutputTokens: 400}, Cost: 0.004075, MaxTokens: 512, Retry: 1},
		},
	}
}

func TestSinkSpans(t *testing.T) {
	h := newHarness(t, telemetry.Options{Providers: map[string]string{"large": "anthropic"}})
	h.sink.Record(fallbackDecision())

	reqs := h.byName("llmrouter.request")
	require.Len(t, reqs, 1)
	req := reqs[0]
	assert.Equal(t, trace.SpanKindInternal, req.SpanKind())
	assert.False(t, req.Parent().IsValid(), "a sink has no caller context: a new trace")
	assert.Equal(t, t0, req.StartTime())
	assert.Equal(t, t0.Add(900*time.Millisecond), req.EndTime())
	assert.Equal(t, codes.Unset, req.Status().Code)
	assert.Equal(t, map[string]string{
		"llmrouter.decision.id":         "d-1",
		"llmrouter.model":               "small",
		"llmrouter.answered":            "large",
		"llmrouter.attempts":            "3",
		"llmrouter.cost_usd":            "0.004075",
		"llmrouter.usage.input_tokens":  "30",
		"llmrouter.usage.output_tokens": "400",
		"llmrouter.label":               "math",
		"llmrouter.difficulty":          "0.75",
		"llmrouter.tier":                "pro",
	}, spanAttrs(req), "no user, no gen_ai usage on the request span")
	require.Len(t, req.Events(), 1)
	ev := req.Events()[0]
	assert.Equal(t, "llmrouter.skip", ev.Name)
	assert.Equal(t, t0.Add(210*time.Millisecond), ev.Time)
	assert.Contains(t, fmt.Sprint(ev.Attributes), "cooling down")

	small := h.byName("chat small")
	require.Len(t, small, 1)
	assert.Equal(t, trace.SpanKindClient, small[0].SpanKind())
	assert.Equal(t, req.SpanContext().SpanID(), small[0].Parent().SpanID())
	assert.Equal(t, req.SpanContext().TraceID(), small[0].SpanContext().TraceID())
	assert.Equal(t, t0.Add(10*time.Millisecond), small[0].StartTime())
	assert.Equal(t, t0.Add(210*time.Millisecond), small[0].EndTime())
	assert.Equal(t, codes.Error, small[0].Status().Code)
	assert.Contains(t, small[0].Status().Description, "slow down")
	assert.Equal(t, map[string]string{
		"gen_ai.operation.name": "chat",
		"gen_ai.request.model":  "small",
		"llmrouter.cost_usd":    "0",
		"llmrouter.reason":      "cheapest adequate",
		"llmrouter.next":        "next model",
		"error.type":            "rate_limit",
	}, spanAttrs(small[0]))

	assert.Empty(t, h.byName("chat mid"), "a skipped model is an event, not a call")

	large := h.byName("chat large")
	require.Len(t, large, 1)
	assert.Equal(t, req.SpanContext().SpanID(), large[0].Parent().SpanID())
	assert.Equal(t, t0.Add(220*time.Millisecond), large[0].StartTime())
	assert.Equal(t, t0.Add(820*time.Millisecond), large[0].EndTime())
	assert.Equal(t, codes.Unset, large[0].Status().Code)
	assert.Equal(t, map[string]string{
		"gen_ai.operation.name":      "chat",
		"gen_ai.request.model":       "large",
		"gen_ai.response.model":      "large",
		"gen_ai.provider.name":       "anthropic",
		"gen_ai.request.max_tokens":  "512",
		"gen_ai.usage.input_tokens":  "30",
		"gen_ai.usage.output_tokens": "400",
		"llmrouter.cost_usd":         "0.004075",
		"llmrouter.reason":           "fallback",
		"llmrouter.retry":            "1",
	}, spanAttrs(large[0]))
}

func TestSinkRequestErrors(t *testing.T) {
	timeout := &llms.Error{Code: llms.ErrCodeTimeout, Message: "deadline"}
	tests := []struct {
		name     string
		attempts []llmrouter.Attempt
		err      error
		wantType string
	}{
		{"decisive attempt's code", []llmrouter.Attempt{
			{Model: "small", Start: t0, Latency: time.Second, Code: llms.ErrCodeRateLimit, Err: errRateLimit},
			{Model: "large", Start: t0.Add(time.Second), Latency: time.Second, Code: llms.ErrCodeTimeout, Err: timeout},
		}, fmt.Errorf("all failed: %w", errRateLimit), "rate_limit"},
		{"attempt code from a custom classifier wins", []llmrouter.Attempt{
			{Model: "small", Start: t0, Latency: time.Second, Code: llms.ErrCodeContentFilter, Err: errBoom},
		}, fmt.Errorf("all failed: %w", errBoom), "content_filter"},
		{"unclassified attempt error", []llmrouter.Attempt{
			{Model: "small", Start: t0, Latency: time.Second, Err: errors.New("boom")},
		}, errors.New("boom, again"), "unknown"},
		{"error matching no attempt", nil, &llms.Error{Code: llms.ErrCodeQuotaExceeded}, "quota_exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, telemetry.Options{})
			h.sink.Record(&llmrouter.Decision{ID: "x", Time: t0, Model: "small", Latency: 2 * time.Second,
				Prediction: llmrouter.Prediction{Difficulty: math.NaN()}, Attempts: tt.attempts, Err: tt.err})
			req := h.byName("llmrouter.request")
			require.Len(t, req, 1)
			assert.Equal(t, codes.Error, req[0].Status().Code)
			assert.Equal(t, tt.err.Error(), req[0].Status().Description)
			attrs := spanAttrs(req[0])
			assert.Equal(t, tt.wantType, attrs["error.type"])
			assert.NotContains(t, attrs, "llmrouter.difficulty", "NaN difficulty: no opinion, no attribute")
			assert.NotContains(t, attrs, "llmrouter.answered")

			rm := h.collect(t)
			reqs, ok := points(rm, "llmrouter.requests")
			require.True(t, ok)
			require.Len(t, reqs, 1)
			assert.Equal(t, map[string]string{"llmrouter.model": "small", "error.type": tt.wantType}, reqs[0].attrs)
			for _, a := range tt.attempts {
				for _, sp := range h.byName("chat " + a.Model) {
					assert.Equal(t, codes.Error, sp.Status().Code)
					assert.NotContains(t, spanAttrs(sp), "gen_ai.response.model", "no response on failure")
				}
			}
		})
	}
}

func TestSinkRecordContextParentsOnCallerSpan(t *testing.T) {
	h := newHarness(t, telemetry.Options{})
	ctx, caller := h.tp.Tracer("caller").Start(context.Background(), "handler")
	h.sink.RecordContext(ctx, fallbackDecision())
	caller.End()

	req := h.byName("llmrouter.request")
	require.Len(t, req, 1)
	assert.Equal(t, caller.SpanContext().TraceID(), req[0].SpanContext().TraceID())
	assert.Equal(t, caller.SpanContext().SpanID(), req[0].Parent().SpanID())
	for _, name := range []string{"chat small", "chat large"} {
		sp := h.byName(name)
		require.Len(t, sp, 1, name)
		assert.Equal(t, req[0].SpanContext().SpanID(), sp[0].Parent().SpanID(), name)
	}
}

func TestSinkEstimatedUsage(t *testing.T) {
	h := newHarness(t, telemetry.Options{})
	h.sink.Record(&llmrouter.Decision{ID: "e", Time: t0, Model: "small", Answered: "small", Latency: time.Second,
		Usage: llmrouter.Usage{InputTokens: 12, OutputTokens: 40, Estimated: true}, Cost: 0.0001,
		Attempts: []llmrouter.Attempt{{Model: "small", Start: t0, Latency: time.Second,
			Usage: llmrouter.Usage{InputTokens: 12, OutputTokens: 40, Estimated: true}, Cost: 0.0001}}})
	sp := h.byName("chat small")
	require.Len(t, sp, 1)
	attrs := spanAttrs(sp[0])
	assert.Equal(t, "true", attrs["llmrouter.usage.estimated"])
	assert.NotContains(t, attrs, "gen_ai.usage.input_tokens")
	assert.NotContains(t, attrs, "gen_ai.usage.output_tokens")
	assert.Equal(t, "true", spanAttrs(h.byName("llmrouter.request")[0])["llmrouter.usage.estimated"])

	rm := h.collect(t)
	tok, _ := points(rm, "gen_ai.client.token.usage")
	assert.Empty(t, tok, "estimated usage is not reported as token usage")
	cost, ok := points(rm, "llmrouter.cost")
	require.True(t, ok)
	require.Len(t, cost, 1)
	assert.InDelta(t, 0.0001, cost[0].value, 1e-12, "cost is recorded from estimates")
}

func TestSinkIgnoresNil(t *testing.T) {
	h := newHarness(t, telemetry.Options{})
	h.sink.Record(nil)
	assert.Empty(t, h.spans.Ended())
	_, ok := points(h.collect(t), "llmrouter.requests")
	assert.False(t, ok)
}

func TestSinkDescriptionBounded(t *testing.T) {
	h := newHarness(t, telemetry.Options{})
	long := errors.New(string(make([]byte, 300)) + "é")
	h.sink.Record(&llmrouter.Decision{ID: "l", Time: t0, Model: "m", Err: long,
		Attempts: []llmrouter.Attempt{{Model: "m", Start: t0, Code: llms.ErrCodeUnknown, Err: long}}})
	req := h.byName("llmrouter.request")
	require.Len(t, req, 1)
	assert.LessOrEqual(t, len(req[0].Status().Description), 256+len("…"))
	assert.Contains(t, req[0].Status().Description, "…")
}

func TestSinkUnsampledRequestBuildsNoChildrenButCountsMetrics(t *testing.T) {
	spans, reader := tracetest.NewSpanRecorder(), sdkmetric.NewManualReader()
	s, err := telemetry.NewSink(telemetry.Options{
		TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithSampler(dropRequests{}), sdktrace.WithSpanProcessor(spans)),
		MeterProvider:  sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)),
	})
	require.NoError(t, err)
	s.Record(fallbackDecision())
	assert.Empty(t, spans.Ended(), "no child span is built under an unsampled request span")
	var rm metricdata.ResourceMetrics
	require.NoError(t, reader.Collect(context.Background(), &rm))
	atts, ok := points(rm, "llmrouter.attempts")
	require.True(t, ok)
	var n float64
	for _, p := range atts {
		n += p.value
	}
	assert.Equal(t, 3.0, n)
}

// dropRequests samples every span but the request span: a sampler under
// which children built anyway would show.
type dropRequests struct{}

func (dropRequests) ShouldSample(p sdktrace.SamplingParameters) sdktrace.SamplingResult {
	if p.Name == "llmrouter.request" {
		return sdktrace.SamplingResult{Decision: sdktrace.Drop}
	}
	return sdktrace.SamplingResult{Decision: sdktrace.RecordAndSample}
}

func (dropRequests) Description() string { return "dropRequests" }

func TestSinkConcurrentRecords(t *testing.T) {
	h := newHarness(t, telemetry.Options{})
	const goroutines, each = 8, 50
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range each {
				h.sink.Record(fallbackDecision())
			}
		})
	}
	wg.Wait()
	assert.Len(t, h.byName("llmrouter.request"), goroutines*each)
	reqs, _ := points(h.collect(t), "llmrouter.requests")
	require.Len(t, reqs, 1)
	assert.Equal(t, float64(goroutines*each), reqs[0].value)
}
