package routertest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/tmc/langchaingo/llms"
)

// The fake clock goes to llmrouter.WithClock as it is (the router's
// Fallback waits on it too) and to the fake providers, whose scripted
// latency moves it: the decision records that latency exactly.
func ExampleClock() {
	clock := routertest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	model := routertest.NewProvider(llmrouter.ModelCard{Name: "m", InputPerMTok: 1, OutputPerMTok: 2},
		routertest.Response{Text: "hi", Latency: 1500 * time.Millisecond}).WithClock(clock)
	r, err := llmrouter.New([]llmrouter.Provider{model}, llmrouter.WithClock(clock),
		llmrouter.WithFallback(llmrouter.Fallback{}))
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := r.GenerateContent(context.Background(), []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "hello")})
	if err != nil {
		fmt.Println(err)
		return
	}
	d, _ := llmrouter.DecisionFrom(resp)
	fmt.Println(d.Latency, clock.Now().Format(time.TimeOnly))
	// Output: 1.5s 00:00:01
}
