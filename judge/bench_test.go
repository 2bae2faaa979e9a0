package judge

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/tmc/langchaingo/llms"
)

// BenchmarkSubmit is the request-path cost of a judge: Submit on an
// answer not sampled (the common case), sampled onto a queue with room (the
// queue drained outside the timer, no worker), and sampled onto a full
// queue (a drop); beside it, as the reference for a ratio, the routed call
// the answer came from (one fake model, a short prompt).
func BenchmarkSubmit(b *testing.B) {
	r, err := llmrouter.New([]llmrouter.Provider{
		routertest.NewProvider(llmrouter.ModelCard{Name: "small", InputPerMTok: 0.1, OutputPerMTok: 0.4}, routertest.Response{Text: "Canberra."}),
	})
	if err != nil {
		b.Fatal(err)
	}
	msgs := []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "What is the capital of Australia?")}
	resp, err := r.GenerateContent(context.Background(), msgs)
	if err != nil {
		b.Fatal(err)
	}
	newJudge := func(rate float64, queue int) *Judge {
		return &Judge{rate: rate, rnd: rand.Float64, q: make(chan Item, queue), opts: Options{MaxTextBytes: DefaultMaxTextBytes}}
	}

	b.Run("routed-call", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := r.GenerateContent(context.Background(), msgs); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("not-sampled", func(b *testing.B) {
		j := newJudge(1e-12, 1)
		b.ReportAllocs()
		for b.Loop() {
			j.Submit(resp)
		}
		if j.sampled.Load()+j.dropped.Load() > 1 {
			b.Fatal("sampled")
		}
	})
	b.Run("queued", func(b *testing.B) {
		j := newJudge(1, DefaultQueueSize)
		b.ReportAllocs()
		for b.Loop() {
			if len(j.q) == cap(j.q) {
				b.StopTimer()
				for len(j.q) > 0 {
					<-j.q
				}
				b.StartTimer()
			}
			j.Submit(resp)
		}
		if j.dropped.Load() != 0 {
			b.Fatal("dropped")
		}
	})
	b.Run("full", func(b *testing.B) {
		j := newJudge(1, 1)
		j.q <- Item{}
		b.ReportAllocs()
		for b.Loop() {
			j.Submit(resp)
		}
		if j.sampled.Load() != 0 {
			b.Fatal("queued")
		}
	})
}
