package llmrouter_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/llmrouter/llmrouter"
	"github.com/tmc/langchaingo/llms"
)

func ExampleDecisionFrom() {
	r, err := llmrouter.New(exampleProviders())
	if err != nil {
		panic(err)
	}
	resp, err := r.GenerateContent(context.Background(), []llms.MessageContent{
		llms.TextParts(llms.ChatMessageTypeHuman, "What is the capital of France?"),
	})
	if err != nil {
		panic(err)
	}
	d, ok := llmrouter.DecisionFrom(resp)
	if !ok {
		panic("no decision")
	}
	fmt.Printf("%s answered: %d tokens in, %d out, $%.6f\n", d.Answered, d.Usage.InputTokens, d.Usage.OutputTokens, d.Cost)
	// Output: small answered: 12 tokens in, 2 out, $0.000003
}

func ExampleWithSink() {
	var answered []string
	count := llmrouter.SinkFunc(func(d *llmrouter.Decision) { answered = append(answered, d.Answered) })
	r, err := llmrouter.New(exampleProviders(), llmrouter.WithSink(count))
	if err != nil {
		panic(err)
	}
	for _, prompt := range []string{"What is the capital of France?", "Name the capital of Italy."} {
		if _, err := r.Call(context.Background(), prompt); err != nil {
			panic(err)
		}
	}
	fmt.Println(answered)
	// Output: [small small]
}

func ExampleWithUserRedaction() {
	var record []byte
	sink := llmrouter.SinkFunc(func(d *llmrouter.Decision) { record, _ = json.Marshal(d) })
	r, err := llmrouter.New(exampleProviders(), llmrouter.WithSink(sink),
		llmrouter.WithUserRedaction(llmrouter.UserRedaction{HashKey: []byte("a key of sixteen bytes or more")}))
	if err != nil {
		panic(err)
	}
	ctx := llmrouter.WithHints(context.Background(), llmrouter.Hints{User: "ada@example.com"})
	if _, err := r.Call(ctx, "What is the capital of France?"); err != nil {
		panic(err)
	}
	fmt.Println("raw user id recorded:", strings.Contains(string(record), "ada@example.com"))
	fmt.Println("pseudonym recorded:", strings.Contains(string(record), `"user":"uh_`))
	// Output:
	// raw user id recorded: false
	// pseudonym recorded: true
}

func ExampleErrorCodeOf() {
	// What langchaingo's openai client returns for a 429.
	err := errors.New("API returned unexpected status code: 429: Rate limit reached for gpt-4o-mini")
	fmt.Println(llmrouter.ErrorCodeOf(err))
	// A classifier of your own can fall back on it.
	classify := func(err error) llms.ErrorCode {
		if strings.Contains(err.Error(), "my gateway is draining") {
			return llms.ErrCodeProviderUnavailable
		}
		return llmrouter.ErrorCodeOf(err)
	}
	fmt.Println(classify(errors.New("my gateway is draining")))
	// Output:
	// rate_limit
	// provider_unavailable
}

func ExampleChain() {
	// Free users may use only the small model; everyone then goes through
	// the default filters and cheapest-adequate selection.
	policy := llmrouter.Chain(
		llmrouter.TierFilter{Tiers: map[string][]string{"free": {"small"}, "pro": {"small", "large"}}},
		llmrouter.DefaultPolicy(),
	)
	r, err := llmrouter.New(exampleProviders(), llmrouter.WithPolicy(policy))
	if err != nil {
		panic(err)
	}
	proof := []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman,
		"Prove that the square root of 2 is irrational, and explain each step of the derivation.")}
	for _, tier := range []string{"pro", "free"} {
		d, err := r.Route(llmrouter.WithHints(context.Background(), llmrouter.Hints{Tier: tier}), proof)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s: %s (%s)\n", tier, d.Model, d.Plan[0].Reason)
	}
	// Output:
	// pro: large (cheapest model with predicted quality at or above the threshold)
	// free: small (no model reaches the threshold: highest predicted quality)
}
