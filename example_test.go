package llmrouter_test

import (
	"context"
	"fmt"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/tmc/langchaingo/llms"
)

// exampleProviders returns a cheap and a strong fake model. In a service
// these would be llmrouter.NewProvider(card, client) over real langchaingo
// clients.
func exampleProviders() []llmrouter.Provider {
	return []llmrouter.Provider{
		routertest.NewProvider(llmrouter.ModelCard{
			Name: "small", InputPerMTok: 0.15, OutputPerMTok: 0.60, ContextWindow: 128000, Quality: 0.7,
		}, routertest.Response{Text: "Paris.", InputTokens: 12, OutputTokens: 2}),
		routertest.NewProvider(llmrouter.ModelCard{
			Name: "large", InputPerMTok: 2.50, OutputPerMTok: 10, ContextWindow: 128000, Quality: 0.9,
		}, routertest.Response{Text: "Suppose finitely many primes…", InputTokens: 30, OutputTokens: 400}),
	}
}

func ExampleNew() {
	r, err := llmrouter.New(exampleProviders())
	if err != nil {
		panic(err)
	}
	answer, err := llms.GenerateFromSinglePrompt(context.Background(), r, "What is the capital of France?")
	if err != nil {
		panic(err)
	}
	fmt.Println(answer)
	// Output: Paris.
}

func ExampleRouter_Route() {
	r, err := llmrouter.New(exampleProviders())
	if err != nil {
		panic(err)
	}
	for _, prompt := range []string{
		"What is the capital of France?",
		"Prove that the square root of 2 is irrational, and explain each step of the derivation.",
	} {
		d, err := r.Route(context.Background(), []llms.MessageContent{
			llms.TextParts(llms.ChatMessageTypeHuman, prompt),
		})
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-5s %s\n", d.Model, d.Plan[0].Reason)
	}
	// Output:
	// small cheapest model with predicted quality at or above the threshold
	// large cheapest model with predicted quality at or above the threshold
}

func ExampleNewProvider() {
	// Any llms.Model works; here, a fake one standing in for e.g. openai.New().
	var client llms.Model = routertest.NewProvider(llmrouter.ModelCard{Name: "any"},
		routertest.Response{Text: "Hello!", InputTokens: 1000, OutputTokens: 500})
	p := llmrouter.NewProvider(llmrouter.ModelCard{
		Name:          "gpt-4o-mini",
		APIModel:      "gpt-4o-mini-2024-07-18",
		InputPerMTok:  0.15,
		OutputPerMTok: 0.60,
		ContextWindow: 128000,
		Capabilities:  llmrouter.Vision | llmrouter.Tools | llmrouter.JSONMode | llmrouter.Streaming,
	}, client)
	r, err := llmrouter.New([]llmrouter.Provider{p})
	if err != nil {
		panic(err)
	}
	resp, err := r.GenerateContent(context.Background(), []llms.MessageContent{
		llms.TextParts(llms.ChatMessageTypeHuman, "Say hello."),
	})
	if err != nil {
		panic(err)
	}
	d, _ := llmrouter.DecisionFrom(resp)
	fmt.Println(resp.Choices[0].Content, d.Answered)
	fmt.Printf("cost $%.6f (1000 in × $0.15/M + 500 out × $0.60/M)\n", d.Cost)
	// Output:
	// Hello! gpt-4o-mini
	// cost $0.000450 (1000 in × $0.15/M + 500 out × $0.60/M)
}

func ExampleWithHints() {
	r, err := llmrouter.New(exampleProviders(), llmrouter.WithPolicy(llmrouter.Chain(
		llmrouter.TierFilter{Tiers: map[string][]string{"free": {"small"}}},
		llmrouter.DefaultPolicy(),
	)))
	if err != nil {
		panic(err)
	}
	ctx := llmrouter.WithHints(context.Background(), llmrouter.Hints{User: "u-1", Tier: "free", LatencyBudget: 2 * time.Second})
	d, err := r.Route(ctx, []llms.MessageContent{
		llms.TextParts(llms.ChatMessageTypeHuman, "Prove that the square root of 2 is irrational, and explain each step of the derivation."),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Model)
	for _, c := range d.Candidates {
		if c.Removed != "" {
			fmt.Printf("%s removed: %s\n", c.Model, c.Removed)
		}
	}
	// Output:
	// small
	// large removed: not allowed on tier "free"
}
