package main

import (
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/tmc/langchaingo/llms"
)

// TestRouting pins the routing of NewRouter: a change to the rules, the
// tiers, the cards or the library that moves one of these requests to
// another model fails CI, with the decision's explanation in the log.
func TestRouting(t *testing.T) {
	router, err := NewRouter(fakeProviders())
	if err != nil {
		t.Fatal(err)
	}
	free := llmrouter.Hints{Tier: "free"}
	pro := llmrouter.Hints{Tier: "pro"}
	withImage := []llms.MessageContent{{
		Role: llms.ChatMessageTypeHuman,
		Parts: []llms.ContentPart{
			llms.TextPart("What is written on this receipt?"),
			llms.ImageURLPart("https://example.com/receipt.png"),
		},
	}}
	codeFence := "Why does this panic?\n```go\nvar m map[string]int\nm[\"a\"] = 1\n```"

	routertest.AssertRoutes(t, router, []routertest.Case{
		// Rules.
		{Name: "billing goes to the cheapest model", Prompt: "How do I get a refund for my order?", Hints: free,
			Want: "mini", WantLabel: "billing"},
		{Name: "legal on pro goes to the expert", Prompt: "Is the liability clause of this contract enforceable?", Hints: pro,
			Want: "expert", WantLabel: "legal", WantPlan: []string{"expert", "vision", "mini"}},
		{Name: "legal on free gets the best model free allows", Prompt: "Is the liability clause of this contract enforceable?", Hints: free,
			Want: "vision", WantLabel: "legal"},
		{Name: "code on pro goes to the expert", Prompt: codeFence, Hints: pro, Want: "expert", WantLabel: "code"},

		// The built-in classifier, for requests no rule matches.
		{Name: "greeting without a tier counts as free", Prompt: "Hello! How are you?", Want: "mini"},

		// Capabilities.
		{Name: "an image needs a vision model", Messages: withImage, Hints: free, Want: "vision"},
		{Name: "JSON mode on free needs mini", Prompt: "List three colours as a JSON array.", Hints: free,
			Options: []llms.CallOption{llms.WithJSONMode()}, Want: "mini"},

		// Refusals: every model removed.
		{Name: "an unknown tier gets no model", Prompt: "Hello!", Hints: llmrouter.Hints{Tier: "trial"},
			WantErr: llmrouter.ErrNoCandidate},
		{Name: "a cost limit no model meets", Prompt: "Summarise the history of Rome.", Hints: llmrouter.Hints{Tier: "pro", MaxCost: 1e-9},
			WantErr: llmrouter.ErrNoCandidate},
	})
}
