package telemetry_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/llmrouter/llmrouter/telemetry"
	"github.com/tmc/langchaingo/llms"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// exampleRouter is a router over a cheap model that is rate-limited and a
// strong one that answers, on a fake clock (so times are reproducible),
// recording into sinks. In a service the providers wrap real langchaingo
// clients and the clock is the system's.
func exampleRouter(sinks ...llmrouter.Sink) *llmrouter.Router {
	clock := routertest.NewClock(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)).SetAutoAdvance(true)
	ps := []llmrouter.Provider{
		routertest.NewProvider(llmrouter.ModelCard{Name: "cheap", InputPerMTok: 0.15, OutputPerMTok: 0.60, Quality: 0.7},
			routertest.Response{Err: errors.New("API returned unexpected status code: 429: Rate limit reached"), Latency: 300 * time.Millisecond}).WithClock(clock),
		routertest.NewProvider(llmrouter.ModelCard{Name: "strong", InputPerMTok: 2.50, OutputPerMTok: 10, Quality: 0.9},
			routertest.Response{Text: "Paris.", InputTokens: 12, OutputTokens: 2, Latency: 1200 * time.Millisecond}).WithClock(clock),
	}
	r, err := llmrouter.New(ps, llmrouter.WithClock(clock), llmrouter.WithIDGenerator(func() string { return "d-1" }),
		llmrouter.WithFallback(llmrouter.Fallback{MaxRetries: -1, Clock: clock}), llmrouter.WithSink(sinks...))
	if err != nil {
		panic(err)
	}
	return r
}

func ExampleLogSink() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r := exampleRouter(telemetry.NewLogSink(logger))
	if _, err := llms.GenerateFromSinglePrompt(context.Background(), r, "What is the capital of France?"); err != nil {
		panic(err)
	}
	// Output:
	// time=2025-01-02T03:04:05.300Z level=DEBUG msg="llmrouter attempt" id=d-1 n=1 model=cheap outcome=error error.type=rate_limit error="cheap: rate_limit: API returned unexpected status code: 429: Rate limit reached" latency=300ms input_tokens=0 output_tokens=0 cost_usd=0 next="next model: 0 retries spent"
	// time=2025-01-02T03:04:06.500Z level=DEBUG msg="llmrouter attempt" id=d-1 n=2 model=strong outcome=ok latency=1.2s input_tokens=12 output_tokens=2 cost_usd=5e-05
	// time=2025-01-02T03:04:06.500Z level=INFO msg="llmrouter request" id=d-1 model=cheap answered=strong attempts=2 cost_usd=5e-05 input_tokens=12 output_tokens=2 latency=1.5s
}

func ExampleSink() {
	spans := tracetest.NewSpanRecorder() // in a service: an OTLP exporter
	metrics := sdkmetric.NewManualReader()
	sink, err := telemetry.NewSink(telemetry.Options{
		TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans)),
		MeterProvider:  sdkmetric.NewMeterProvider(sdkmetric.WithReader(metrics)),
		Providers:      map[string]string{"cheap": "openai", "strong": "anthropic"},
	})
	if err != nil {
		panic(err)
	}
	defer sink.Close()
	r := exampleRouter(sink)
	if _, err := llms.GenerateFromSinglePrompt(context.Background(), r, "What is the capital of France?"); err != nil {
		panic(err)
	}

	for _, s := range spans.Ended() {
		fmt.Printf("%-17s %-8s %s +%s\n", s.Name(), s.SpanKind(), s.EndTime().Sub(s.StartTime()), s.Status().Code)
		for _, kv := range s.Attributes() {
			if kv.Key == "error.type" || kv.Key == "gen_ai.provider.name" || kv.Key == "gen_ai.usage.output_tokens" {
				fmt.Printf("  %s=%s\n", kv.Key, kv.Value.Emit())
			}
		}
	}
	var rm metricdata.ResourceMetrics
	if err := metrics.Collect(context.Background(), &rm); err != nil {
		panic(err)
	}
	for _, m := range rm.ScopeMetrics[0].Metrics {
		if sum, ok := m.Data.(metricdata.Sum[int64]); ok && m.Name == "llmrouter.attempts" {
			for _, p := range sum.DataPoints {
				model, _ := p.Attributes.Value("gen_ai.request.model")
				outcome, _ := p.Attributes.Value("llmrouter.outcome")
				fmt.Printf("%s %s/%s %d\n", m.Name, model.Emit(), outcome.Emit(), p.Value)
			}
		}
	}
	// Unordered output:
	// chat cheap        client   300ms +Error
	//   gen_ai.provider.name=openai
	//   error.type=rate_limit
	// chat strong       client   1.2s +Unset
	//   gen_ai.provider.name=anthropic
	//   gen_ai.usage.output_tokens=2
	// llmrouter.request internal 1.5s +Unset
	// llmrouter.attempts cheap/error 1
	// llmrouter.attempts strong/ok 1
}
