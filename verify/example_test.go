package verify_test

import (
	"context"
	"fmt"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/llmrouter/llmrouter/verify"
	"github.com/tmc/langchaingo/llms"
)

// The built-in verifier reads the cheap model's answer and escalates the
// doubtful one: here an answer cut short mid-calculation, with no final
// number, goes to the stronger model; the complete one is kept. It works
// for non-streamed calls and for streamed calls with buffered streaming
// (Fallback.BufferStreams or Hints.BufferStream); with
// unbuffered streaming the cheap answer has already reached the caller
// when the verifier reads it, so its rejection is only recorded.
func ExampleDefault() {
	small := routertest.NewProvider(llmrouter.ModelCard{Name: "small", InputPerMTok: 0.24, OutputPerMTok: 0.24, Quality: 0.7},
		routertest.Response{Text: "Wendi gives 15 + 25 = <<15+25"},
		routertest.Response{Text: "He runs 3 * 60 = 180 meters a session and 180 * 3 = 540 meters a week.\n#### 540"})
	large := routertest.NewProvider(llmrouter.ModelCard{Name: "large", InputPerMTok: 10, OutputPerMTok: 30, Quality: 0.9},
		routertest.Response{Text: "3 * 20 = 60 cups a day; 60 - 15 - 25 = 20.\n#### 20"})
	r, err := llmrouter.New([]llmrouter.Provider{small, large},
		llmrouter.WithFallback(llmrouter.Fallback{Verifier: verify.Default()}))
	if err != nil {
		panic(err)
	}
	for _, q := range []string{
		"Wendi feeds each of her 20 chickens 3 cups a day: 15 cups in the morning, 25 in the afternoon. How many cups in the final meal?",
		"James runs 3 sprints 3 times a week, 60 meters each sprint. How many meters does he run a week?",
	} {
		resp, err := r.GenerateContent(context.Background(), []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, q)})
		if err != nil {
			panic(err)
		}
		d, _ := llmrouter.DecisionFrom(resp)
		for _, a := range d.Attempts {
			fmt.Printf("%s escalated=%v\n", a.Model, a.Rejected != "")
		}
		fmt.Println(resp.Choices[0].Content[len(resp.Choices[0].Content)-5:])
	}
	// Output:
	// small escalated=true
	// large escalated=false
	// ## 20
	// small escalated=false
	// # 540
}
