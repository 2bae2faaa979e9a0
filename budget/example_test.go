package budget_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/budget"
	"github.com/llmrouter/llmrouter/routertest"
)

// A daily spend limit for free users: the request degrades to the cheaper
// model when the strong one no longer fits, and is refused, with the time
// the budget resets, when neither does.
func ExampleNew() {
	b, err := budget.New(budget.Config{Limits: []budget.Limit{
		{Scope: budget.PerUser, Tier: "free", USD: 0.01, Window: budget.Window{Period: budget.Day}},
	}})
	if err != nil {
		panic(err)
	}
	clock := routertest.NewClock(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC))
	cheap := routertest.NewProvider(llmrouter.ModelCard{Name: "cheap", InputPerMTok: 0.5, OutputPerMTok: 4, Quality: 0.6, MaxOutputTokens: 1000},
		routertest.Response{Text: "ok", InputTokens: 10, OutputTokens: 200})
	strong := routertest.NewProvider(llmrouter.ModelCard{Name: "strong", InputPerMTok: 5, OutputPerMTok: 15, Quality: 0.9, MaxOutputTokens: 1000},
		routertest.Response{Text: "ok", InputTokens: 10, OutputTokens: 200})
	r, err := llmrouter.New([]llmrouter.Provider{cheap, strong},
		llmrouter.WithClock(clock),
		llmrouter.WithPolicy(llmrouter.DefaultPolicy(b, llmrouter.CheapestAdequate{MinQuality: 0.95})))
	if err != nil {
		panic(err)
	}
	ctx := llmrouter.WithHints(context.Background(), llmrouter.Hints{User: "alice", Tier: "free"})
	for range 7 {
		resp, err := r.GenerateContent(ctx, human("Prove that there are infinitely many primes."))
		if errors.Is(err, budget.ErrExceeded) {
			var ee *budget.ExceededError
			errors.As(err, &ee)
			fmt.Printf("refused: %s spent $%.4f of $%.2f, resets %s\n", ee.Budget, ee.Spent, ee.Limit, ee.Resets.Format(time.RFC3339))
			continue
		}
		if err != nil {
			panic(err)
		}
		d, _ := llmrouter.DecisionFrom(resp)
		fmt.Printf("%s $%.4f\n", d.Answered, d.Cost)
	}
	// Output:
	// strong $0.0031
	// strong $0.0031
	// cheap $0.0008
	// cheap $0.0008
	// cheap $0.0008
	// cheap $0.0008
	// refused: user=alice/day spent $0.0093 of $0.01, resets 2025-06-02T00:00:00Z
}
