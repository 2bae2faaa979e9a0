package decisionlog

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter/internal/benchtext"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
)

// benchDecision is a decision of a real ~1 KB prompt over two models.
func benchDecision(b *testing.B) *llmrouter.Decision {
	var d *llmrouter.Decision
	r := newRouter(b, routertest.NewClock(testStart), []llmrouter.Sink{llmrouter.SinkFunc(func(x *llmrouter.Decision) { d = x })})
	texts, _ := benchtext.Prompts(1 << 10) // real 1 KB prompts
	generate(b, r, "user-42", texts[0])
	return d
}

// BenchmarkRecord is the request-path cost of the sink: Record on a
// queue with room (the writer drained outside the timer), and on a full
// queue (a drop).
func BenchmarkRecord(b *testing.B) {
	d := benchDecision(b)
	b.Run("queued", func(b *testing.B) {
		l := &Log{q: make(chan item, DefaultQueueSize)} // no writer: drained below, untimed
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if len(l.q) == cap(l.q) {
				b.StopTimer()
				for len(l.q) > 0 {
					<-l.q
				}
				b.StartTimer()
			}
			l.Record(d)
		}
		if l.dropped.Load() != 0 {
			b.Fatal("dropped")
		}
	})
	b.Run("full", func(b *testing.B) {
		l := &Log{q: make(chan item, 1)}
		l.q <- item{}
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			l.Record(d)
		}
		if l.dropped.Load() != int64(b.N) {
			b.Fatal("not dropped")
		}
	})
}

// BenchmarkGenerateSink: a router call without a sink and with the log
// writing to a temp dir (its writer competing for the CPU), as a ratio;
// drops/op is the share the log could not keep up with.
func BenchmarkGenerateSink(b *testing.B) {
	texts, _ := benchtext.Prompts(1 << 10) // real 1 KB prompts
	prompt := human(texts[0])
	for _, withLog := range []bool{false, true} {
		name := "no_sink"
		if withLog {
			name = "decisionlog"
		}
		b.Run(name, func(b *testing.B) {
			var sinks []llmrouter.Sink
			var l *Log
			if withLog {
				var err error
				l, err = Open(b.TempDir(), Options{PromptText: TextFull})
				if err != nil {
					b.Fatal(err)
				}
				sinks = append(sinks, l)
			}
			r, err := llmrouter.New([]llmrouter.Provider{
				routertest.NewProvider(cheapCard, routertest.Response{Text: "cheap answer", InputTokens: 100, OutputTokens: 20}),
				routertest.NewProvider(strongCard, routertest.Response{Text: "strong answer", InputTokens: 100, OutputTokens: 20}),
			}, llmrouter.WithSink(sinks...))
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := r.GenerateContent(ctx, prompt); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if l != nil {
				b.ReportMetric(float64(l.Stats().Dropped)/float64(b.N), "drops/op")
				l.Close()
			}
		})
	}
}

// BenchmarkThroughput: decisions per second the log writes to a temp dir
// (a ~1 KB prompt logged in full; default fsync policy), Close included.
func BenchmarkThroughput(b *testing.B) {
	d := benchDecision(b)
	l, err := Open(b.TempDir(), Options{PromptText: TextFull})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dropped := l.Stats().Dropped
		l.Record(d)
		for l.Stats().Dropped != dropped { // queue full: wait for room, so nothing is lost
			dropped = l.Stats().Dropped
			runtime.Gosched()
			l.Record(d)
		}
	}
	if err := l.Close(); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if got := l.Stats().Written; got != int64(b.N) {
		b.Fatalf("wrote %d of %d", got, b.N)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "decisions/s")
}
