package telemetry_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/llmrouter/llmrouter/telemetry"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
)

// discard is a span processor that drops ended spans: the SDK's own cost
// without an exporter's.
type discard struct{}

func (discard) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (discard) OnEnd(sdktrace.ReadOnlySpan)                     {}
func (discard) Shutdown(context.Context) error                  { return nil }
func (discard) ForceFlush(context.Context) error                { return nil }

func sdkOptions() telemetry.Options {
	return telemetry.Options{
		TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(discard{})),
		MeterProvider:  sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader())),
	}
}

// sinks are the sinks benchmarked, by name; nil is the reference (no sink).
func benchSinks(b *testing.B) []struct {
	name string
	sink llmrouter.Sink
} {
	mk := func(o telemetry.Options) llmrouter.Sink {
		s, err := telemetry.NewSink(o)
		require.NoError(b, err)
		return s
	}
	return []struct {
		name string
		sink llmrouter.Sink
	}{
		{"none", nil},
		{"otel-noop", mk(telemetry.Options{TracerProvider: tracenoop.NewTracerProvider(), MeterProvider: metricnoop.NewMeterProvider()})},
		{"otel-sdk", mk(sdkOptions())},
		{"slog-info", telemetry.NewLogSink(slog.New(slog.NewTextHandler(io.Discard, nil)))},
	}
}

// BenchmarkSinkRecord is the cost of recording one decision of three
// attempts (a failure, a skip, an answer): the request span, two attempt
// spans and an event, and the metrics.
func BenchmarkSinkRecord(b *testing.B) {
	d := fallbackDecision()
	for _, s := range benchSinks(b) {
		if s.sink == nil {
			continue
		}
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s.sink.Record(d)
			}
		})
	}
}

// BenchmarkGenerateWithSink is a whole call through a router over a fake
// provider answering at once, without a sink (the reference) and with
// each: the sink's share of a call's cost in the router itself.
func BenchmarkGenerateWithSink(b *testing.B) {
	msgs := []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "What is the capital of France?")}
	for _, s := range benchSinks(b) {
		b.Run(s.name, func(b *testing.B) {
			var opts []llmrouter.Option
			if s.sink != nil {
				opts = append(opts, llmrouter.WithSink(s.sink))
			}
			r, err := llmrouter.New([]llmrouter.Provider{
				routertest.NewProvider(cheapCard, routertest.Response{Text: "Paris.", InputTokens: 12, OutputTokens: 2}),
				routertest.NewProvider(strongCard, routertest.Response{Text: "Paris.", InputTokens: 12, OutputTokens: 2}),
			}, opts...)
			require.NoError(b, err)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.GenerateContent(ctx, msgs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
