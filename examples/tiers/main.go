// Tiers routes the requests of a free user and of a pro user through one
// router whose TierFilter limits the free tier to the cheap models. Each
// request carries its user and tier in the context (llmrouter.WithHints);
// the program prints the model each request went to and why the other
// models were removed from its candidates.
//
// It uses fake models only: no network, no API key.
//
//	go run ./examples/tiers
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/tmc/langchaingo/llms"
)

func main() {
	if err := run(os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// newRouter builds a router over three fake models in which free-tier
// requests (and requests naming no tier) may use only the two cheap models,
// while pro requests may use all three.
func newRouter() (*llmrouter.Router, error) {
	cards := []llmrouter.ModelCard{
		{Name: "small", InputPerMTok: 0.10, OutputPerMTok: 0.40, ContextWindow: 32000, Quality: 0.65},
		{Name: "medium", InputPerMTok: 0.50, OutputPerMTok: 1.50, ContextWindow: 128000, Quality: 0.78},
		{Name: "large", InputPerMTok: 5, OutputPerMTok: 15, ContextWindow: 200000, Quality: 0.92},
	}
	providers := make([]llmrouter.Provider, len(cards))
	for i, c := range cards {
		providers[i] = routertest.NewProvider(c, routertest.Response{Text: "answer from " + c.Name, InputTokens: 40, OutputTokens: 120})
	}

	tiers := llmrouter.TierFilter{
		Tiers: map[string][]string{
			"free": {"small", "medium"},
			"pro":  {"small", "medium", "large"},
		},
		Default: "free", // a request without a tier is treated as free
	}
	// The tier filter first, then the default policy: the capability,
	// context-window, budget and latency filters and CheapestAdequate.
	policy := llmrouter.Chain(tiers, llmrouter.DefaultPolicy())
	return llmrouter.New(providers, llmrouter.WithPolicy(policy))
}

func run(w io.Writer) error {
	router, err := newRouter()
	if err != nil {
		return err
	}
	users := []llmrouter.Hints{
		{User: "alice", Tier: "free"},
		{User: "bob", Tier: "pro"},
		{User: "carol"}, // no tier: the filter's Default, "free"
	}
	prompts := []string{
		"What is the capital of Australia?",
		"Prove that the square root of 2 is irrational, then derive step by step why the same argument fails for the square root of 4.",
	}
	for _, h := range users {
		tier := h.Tier
		if tier == "" {
			tier = "no"
		}
		fmt.Fprintf(w, "%s (%s tier)\n", h.User, tier)
		ctx := llmrouter.WithHints(context.Background(), h)
		for _, p := range prompts {
			resp, err := router.GenerateContent(ctx, []llms.MessageContent{
				llms.TextParts(llms.ChatMessageTypeHuman, p),
			})
			if err != nil {
				return err
			}
			d, _ := llmrouter.DecisionFrom(resp)
			fmt.Fprintf(w, "  %q\n    → %s: %s ($%.6f)\n", shorten(p, 48), d.Answered, d.Plan[0].Reason, d.Cost)
			for _, c := range d.Candidates {
				if c.Removed != "" {
					fmt.Fprintf(w, "      %s removed: %s\n", c.Model, c.Removed)
				}
			}
		}
	}
	return nil
}

// shorten cuts s to at most n runes, marking the cut.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
