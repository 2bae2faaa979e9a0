// Budgets gives free and paying users daily spend limits: free users
// $0.006 a day, paying users $1, all users together $50 a month. A free
// user's requests go to the strong model while their budget pays for it,
// then degrade to the cheap model, then are refused with the budget and
// when it resets; a paying user is never held back. The router's clock is
// a fake one, so the day passes at once.
//
// It uses fake models only: no network, no API key.
//
//	go run ./examples/budgets
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/budget"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/tmc/langchaingo/llms"
)

func main() {
	if err := run(os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(w io.Writer) error {
	clock := routertest.NewClock(time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC))
	cards := []llmrouter.ModelCard{
		{Name: "small", InputPerMTok: 0.10, OutputPerMTok: 0.40, Quality: 0.65, MaxOutputTokens: 1000},
		{Name: "large", InputPerMTok: 2.50, OutputPerMTok: 10, Quality: 0.90, MaxOutputTokens: 1000},
	}
	var providers []llmrouter.Provider
	for i, c := range cards {
		out := []int{800, 150}[i] // the small model is wordier
		providers = append(providers, routertest.NewProvider(c, routertest.Response{Text: "answer from " + c.Name, InputTokens: 30, OutputTokens: out}))
	}
	day := budget.Window{Period: budget.Day}
	b, err := budget.New(budget.Config{
		Limits: []budget.Limit{
			{Scope: budget.PerUser, Tier: "free", USD: 0.006, Window: day},
			{Scope: budget.PerUser, Tier: "pro", USD: 1, Window: day},
			{Scope: budget.Global, USD: 50, Window: budget.Window{Period: budget.Month}},
		},
		DefaultTier: "free",
	})
	if err != nil {
		return err
	}
	// The budget among the filters, then the selection rule: large is the
	// cheapest model predicted adequate at 0.85.
	router, err := llmrouter.New(providers, llmrouter.WithClock(clock),
		llmrouter.WithPolicy(llmrouter.DefaultPolicy(b, llmrouter.CheapestAdequate{MinQuality: 0.85})))
	if err != nil {
		return err
	}
	ask := func(h llmrouter.Hints) {
		ctx := llmrouter.WithHints(context.Background(), h)
		resp, err := router.GenerateContent(ctx, []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "Summarise our refund policy in three sentences.")})
		var exceeded *budget.ExceededError
		switch {
		case errors.As(err, &exceeded):
			fmt.Fprintf(w, "  %s (%s): refused: %s is spent; resets %s\n", h.User, h.Tier, exceeded.Budget, exceeded.Resets.Format(time.RFC3339))
		case err != nil:
			fmt.Fprintf(w, "  %s (%s): error: %v\n", h.User, h.Tier, err)
		default:
			d, _ := llmrouter.DecisionFrom(resp)
			fmt.Fprintf(w, "  %s (%s): → %s, $%.6f", h.User, h.Tier, d.Answered, d.Cost)
			for _, c := range d.Candidates {
				if c.Removed != "" {
					fmt.Fprintf(w, "; %s removed: %s", c.Model, c.Removed)
				}
			}
			fmt.Fprintln(w)
		}
	}
	fmt.Fprintln(w, "morning:")
	for range 8 {
		ask(llmrouter.Hints{User: "alice", Tier: "free"})
	}
	ask(llmrouter.Hints{User: "bob", Tier: "pro"})
	clock.Advance(15 * time.Hour) // past midnight: a new day
	fmt.Fprintln(w, "next day:")
	ask(llmrouter.Hints{User: "alice", Tier: "free"})
	return nil
}
