package replay_test

import (
	"context"
	"fmt"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/replay"
	"github.com/llmrouter/llmrouter/routertest"
)

// Before a policy goes live, replay it on outcomes where every model's
// score is known: here a Threshold candidate against the cheapest-adequate
// default, on four prompts. (The cards come from the same records: an
// in-sample comparison, as CardsFromOutcomes says.)
func ExampleExact() {
	o := func(score, cost float64) dataset.Outcome { return dataset.Outcome{Score: score}.WithCost(cost) }
	recs := []dataset.Record{
		{ID: "1", Prompt: "Hello!", Outcomes: map[string]dataset.Outcome{"small": o(1, 0.0001), "large": o(1, 0.002)}},
		{ID: "2", Prompt: "What is the capital of Peru?", Outcomes: map[string]dataset.Outcome{"small": o(1, 0.0001), "large": o(1, 0.002)}},
		{ID: "3", Prompt: "Prove that there are infinitely many primes, step by step, and explain why each step holds.", Outcomes: map[string]dataset.Outcome{"small": o(0, 0.0003), "large": o(1, 0.006)}},
		{ID: "4", Prompt: "Derive the closed form of the sum of the first n squares and prove it by induction.", Outcomes: map[string]dataset.Outcome{"small": o(0, 0.0003), "large": o(1, 0.006)}},
	}
	cards, err := replay.CardsFromOutcomes(recs)
	if err != nil {
		panic(err)
	}
	var providers []llmrouter.Provider
	for _, c := range cards {
		providers = append(providers, routertest.NewProvider(c)) // Route calls no model
	}
	for _, candidate := range []struct {
		name   string
		policy llmrouter.Policy
	}{
		{"cheapest-adequate", llmrouter.DefaultPolicy()},
		{"threshold", llmrouter.DefaultPolicy(llmrouter.Threshold{Strong: "large", Weak: "small", Cutoff: 0.25})},
	} {
		r, err := llmrouter.New(providers, llmrouter.WithPolicy(candidate.policy))
		if err != nil {
			panic(err)
		}
		res, err := replay.Exact(context.Background(), recs, replay.RouterChooser(r))
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s: quality %.2f, $%.5f a request, small %d, large %d\n",
			candidate.name, res.Quality, res.Cost, res.Chosen["small"], res.Chosen["large"])
	}
	// Output:
	// cheapest-adequate: quality 1.00, $0.00305 a request, small 2, large 2
	// threshold: quality 1.00, $0.00352 a request, small 1, large 3
}
