package bandit_test

import (
	"context"
	"fmt"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/bandit"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/tmc/langchaingo/llms"
)

// A learning router: the bandit routes as its Base policy does at first
// and learns from the grades that come back by decision id. It is the
// router's policy and one of its sinks (it keeps each decision's context
// until its grade arrives).
func ExampleNew() {
	cheap := routertest.NewProvider(llmrouter.ModelCard{Name: "cheap", InputPerMTok: 0.1, OutputPerMTok: 0.4, Quality: 0.8})
	strong := routertest.NewProvider(llmrouter.ModelCard{Name: "strong", InputPerMTok: 5, OutputPerMTok: 15, Quality: 0.9})
	p, err := bandit.New([]string{"cheap", "strong"}, bandit.Options{Seed: 1})
	if err != nil {
		panic(err)
	}
	r, err := llmrouter.New([]llmrouter.Provider{cheap, strong}, llmrouter.WithPolicy(p), llmrouter.WithSink(p))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	answered := map[string]int{}
	for range 20 {
		resp, err := r.GenerateContent(ctx, []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "What is the capital of Peru?")})
		if err != nil {
			panic(err)
		}
		d, _ := llmrouter.DecisionFrom(resp)
		answered[d.Answered]++
		score := 1.0 // a user's thumbs up, a judge's grade: in [0,1]
		if err := p.Feedback(ctx, d.ID, score, ""); err != nil {
			panic(err)
		}
	}
	fmt.Println("answered by cheap:", answered["cheap"], "strong:", answered["strong"])
	st := p.Stats()
	fmt.Printf("decisions %d, grades learnt %d, decisions kept for grades %d\n", st.Decisions, st.Updates, st.Pending)
	// Output:
	// answered by cheap: 20 strong: 0
	// decisions 20, grades learnt 20, decisions kept for grades 20
}
