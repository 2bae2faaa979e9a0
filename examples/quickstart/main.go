// Quickstart wraps two langchaingo models — a cheap one and a strong one —
// in an llmrouter.Router and sends it a few prompts. It uses fake models by
// default; set OPENAI_API_KEY to route between OpenAI's gpt-4o-mini and
// gpt-4o instead.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/openai"
)

func main() {
	cheapCard := llmrouter.ModelCard{
		Name: "gpt-4o-mini", InputPerMTok: 0.15, OutputPerMTok: 0.60, ContextWindow: 128000,
		Capabilities: llmrouter.Vision | llmrouter.Tools | llmrouter.JSONMode | llmrouter.Streaming, Quality: 0.72,
	}
	strongCard := llmrouter.ModelCard{
		Name: "gpt-4o", InputPerMTok: 2.50, OutputPerMTok: 10, ContextWindow: 128000,
		Capabilities: llmrouter.Vision | llmrouter.Tools | llmrouter.JSONMode | llmrouter.Streaming, Quality: 0.88,
	}

	cheap, strong, err := models(cheapCard, strongCard)
	if err != nil {
		log.Fatal(err)
	}
	router, err := llmrouter.New([]llmrouter.Provider{
		llmrouter.NewProvider(cheapCard, cheap),
		llmrouter.NewProvider(strongCard, strong),
	})
	if err != nil {
		log.Fatal(err)
	}

	// The router is an llms.Model: use it wherever a langchaingo model goes.
	var model llms.Model = router
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, prompt := range []string{
		"What is the capital of Australia?",
		"Prove that there are infinitely many primes, and explain why the proof needs the +1.",
	} {
		resp, err := model.GenerateContent(ctx, []llms.MessageContent{
			llms.TextParts(llms.ChatMessageTypeHuman, prompt),
		}, llms.WithMaxTokens(300))
		if err != nil {
			log.Fatal(err)
		}
		d, _ := llmrouter.DecisionFrom(resp)
		fmt.Printf("Q: %s\n→ %s (%s), $%.6f\nA: %s\n\n", prompt, d.Answered, d.Plan[0].Reason, d.Cost, resp.Choices[0].Content)
	}
}

// models returns langchaingo's OpenAI clients when OPENAI_API_KEY is set,
// and fake models otherwise.
func models(cheap, strong llmrouter.ModelCard) (llms.Model, llms.Model, error) {
	if os.Getenv("OPENAI_API_KEY") == "" {
		fmt.Println("(OPENAI_API_KEY is not set: using fake models)")
		return routertest.NewProvider(cheap, routertest.Response{Text: "Canberra.", InputTokens: 14, OutputTokens: 3}),
			routertest.NewProvider(strong, routertest.Response{Text: "Suppose p1…pk were all the primes; p1·…·pk + 1 …", InputTokens: 25, OutputTokens: 180}),
			nil
	}
	c, err := openai.New(openai.WithModel(cheap.Name))
	if err != nil {
		return nil, nil, err
	}
	s, err := openai.New(openai.WithModel(strong.Name))
	if err != nil {
		return nil, nil, err
	}
	return c, s, nil
}
