package judge_test

import (
	"context"
	"fmt"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/judge"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/tmc/langchaingo/llms"
)

// exampleRouter routes to one fake model, numbering decisions req-1, …
func exampleRouter(answer string) *llmrouter.Router {
	n := 0
	r, err := llmrouter.New([]llmrouter.Provider{
		routertest.NewProvider(llmrouter.ModelCard{Name: "small", InputPerMTok: 0.1, OutputPerMTok: 0.4}, routertest.Response{Text: answer}),
	}, llmrouter.WithIDGenerator(func() string { n++; return fmt.Sprintf("req-%d", n) }))
	if err != nil {
		panic(err)
	}
	return r
}

// printFeedback stands in for a *decisionlog.Log, which is a judge.Feedback.
var printFeedback = judge.FeedbackFunc(func(_ context.Context, id string, score float64, note string) error {
	fmt.Printf("feedback %s: %.2f (%s)\n", id, score, note)
	return nil
})

// A pointwise judge: a share of routed answers (here all) is graded 1–10
// off the request path, the grade recorded by decision id, the judge's own
// cost counted and capped.
func Example() {
	// The judge model: any llms.Model with its card (prices). A fake here.
	judgeModel := routertest.NewProvider(llmrouter.ModelCard{Name: "gpt-4o", InputPerMTok: 2.5, OutputPerMTok: 10},
		routertest.Response{Text: "Correct and concise.\n[[8]]", InputTokens: 310, OutputTokens: 12})
	j, err := judge.New(judge.Options{
		Judge:    judgeModel,
		Feedback: printFeedback, // in production: a *decisionlog.Log
		Rate:     1,             // judge every answer (default 0.1)
		SpendCap: 5,             // USD per hour
	})
	if err != nil {
		panic(err)
	}
	router := exampleRouter("Canberra.")

	resp, err := router.GenerateContent(context.Background(), []llms.MessageContent{
		llms.TextParts(llms.ChatMessageTypeHuman, "What is the capital of Australia?"),
	})
	if err != nil {
		panic(err)
	}
	j.Submit(resp) // returns at once; or call through j.Wrap(router)

	if err := j.Close(context.Background()); err != nil { // judges what is queued
		panic(err)
	}
	st := j.Stats()
	fmt.Printf("graded %d, malformed %d, spent $%.6f on %d+%d tokens\n", st.Graded, st.Malformed, st.Spent, st.InputTokens, st.OutputTokens)
	// Output:
	// feedback req-1: 0.78 (judge gpt-4o: 8/10)
	// graded 1, malformed 0, spent $0.000895 on 310+12 tokens
}

// A pairwise judge: a reference model answers the same prompt and the
// judge compares the two answers twice, positions swapped.
func Example_pairwise() {
	reference := routertest.NewProvider(llmrouter.ModelCard{Name: "gpt-4o-mini"}, routertest.Response{Text: "Sydney."})
	judgeModel := routertest.NewProvider(llmrouter.ModelCard{Name: "gpt-4o"},
		routertest.Response{Text: "A is right, B is wrong. [[A>>B]]"}, // game 1: the routed answer is A
		routertest.Response{Text: "B is right. [[B>A]]"})              // game 2: it is B
	j, err := judge.New(judge.Options{Judge: judgeModel, Reference: reference, Feedback: printFeedback, Rate: 1})
	if err != nil {
		panic(err)
	}
	m := j.Wrap(exampleRouter("Canberra."))
	if _, err := m.Call(context.Background(), "What is the capital of Australia?"); err != nil {
		panic(err)
	}
	if err := j.Close(context.Background()); err != nil {
		panic(err)
	}
	// Output:
	// feedback req-1: 0.88 (judge gpt-4o vs gpt-4o-mini: A>>B (answer as A), B>A (answer as B))
}
