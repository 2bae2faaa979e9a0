package latency_test

import (
	"context"
	"fmt"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/latency"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/tmc/langchaingo/llms"
)

// A Tracker learns that the model its card calls the fastest is in fact slow: a
// latency-critical request (Hints.LatencyBudget) then goes to the model
// that answers within the budget. The tracker learns only from calls made:
// a model whose card is over the budget gets no latency-critical traffic
// to learn from (examples/latency warms such models up).
func ExampleNew() {
	clock := routertest.NewClock(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC))
	slow := routertest.NewProvider(llmrouter.ModelCard{Name: "mini", InputPerMTok: 0.15, OutputPerMTok: 0.6, Quality: 0.8, TypicalLatency: 800 * time.Millisecond},
		routertest.Response{Text: "ok", Latency: 2500 * time.Millisecond}).WithClock(clock)
	fast := routertest.NewProvider(llmrouter.ModelCard{Name: "flash", InputPerMTok: 0.6, OutputPerMTok: 2.4, Quality: 0.8, TypicalLatency: 900 * time.Millisecond},
		routertest.Response{Text: "ok", Latency: 300 * time.Millisecond}).WithClock(clock)
	t, err := latency.New(latency.Config{MinSamples: 3})
	if err != nil {
		panic(err)
	}
	r, err := llmrouter.New([]llmrouter.Provider{slow, fast}, llmrouter.WithClock(clock), llmrouter.WithSink(t),
		llmrouter.WithPolicy(llmrouter.Chain(t, llmrouter.DefaultPolicy(latency.FastestAdequate{}))))
	if err != nil {
		panic(err)
	}
	msgs := []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "Suggest a subject line for a reminder.")}
	critical := llmrouter.WithHints(context.Background(), llmrouter.Hints{LatencyBudget: time.Second})
	for i := range 5 {
		resp, err := r.GenerateContent(critical, msgs)
		if err != nil {
			fmt.Println(i, err)
			continue
		}
		d, _ := llmrouter.DecisionFrom(resp)
		fmt.Println(i, d.Answered, d.Attempts[0].Latency)
	}
	fmt.Println("mini p90:", t.Stats("mini").Total.Quantile)
	// Output:
	// 0 mini 2.5s
	// 1 mini 2.5s
	// 2 mini 2.5s
	// 3 flash 300ms
	// 4 flash 300ms
	// mini p90: 2.5s
}
