// Policytest shows how to pin a router's routing in CI. NewRouter builds
// the router a service would run — business rules (NewRuleClassifier) over
// the built-in classifier, and a TierFilter — and router_test.go beside
// this file asserts, with routertest.AssertRoutes, which model each kind of
// request goes to and which requests must be refused (ErrNoCandidate).
// Route is a dry run, so the test calls no model.
//
//	go run ./examples/policytest      # print the routing of a few prompts
//	go test ./examples/policytest     # the routing table test
package main

import (
	"context"
	"errors"
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

// Cards of the service's models.
var cards = []llmrouter.ModelCard{
	{Name: "mini", InputPerMTok: 0.15, OutputPerMTok: 0.60, ContextWindow: 128000, Quality: 0.72,
		Capabilities: llmrouter.Tools | llmrouter.JSONMode | llmrouter.Streaming},
	{Name: "vision", InputPerMTok: 0.80, OutputPerMTok: 3.20, ContextWindow: 128000, Quality: 0.80,
		Capabilities: llmrouter.Vision | llmrouter.Tools | llmrouter.Streaming},
	{Name: "expert", InputPerMTok: 5, OutputPerMTok: 20, ContextWindow: 200000, Quality: 0.92,
		Capabilities: llmrouter.Vision | llmrouter.Tools | llmrouter.JSONMode | llmrouter.Streaming},
}

// NewRouter builds the router over the given providers (one per card, in
// order of cards): in production langchaingo clients, in tests fakes.
func NewRouter(providers []llmrouter.Provider) (*llmrouter.Router, error) {
	rules, err := llmrouter.NewRuleClassifier(llmrouter.RuleSet{
		Rules: []llmrouter.Rule{
			{Label: "billing", Keywords: []string{"invoice", "refund", "billing"}},
			{Label: "legal", Pattern: `(?i)\b(contract|liability|lawsuit)\b`},
			{Label: "code", When: func(f *llmrouter.Features) bool { return f.CodeFences > 0 }},
		},
		Labels: map[string]map[string]float64{
			"billing": {"mini": 0.90, "vision": 0.90, "expert": 0.95},
			"legal":   {"mini": 0.30, "vision": 0.40, "expert": 0.90},
			"code":    {"mini": 0.50, "vision": 0.60, "expert": 0.90},
		},
		// Requests no rule matches: the built-in difficulty classifier.
		Fallback: llmrouter.DefaultClassifier(),
	})
	if err != nil {
		return nil, err
	}
	tiers := llmrouter.TierFilter{
		Tiers: map[string][]string{
			"free": {"mini", "vision"},
			"pro":  {"mini", "vision", "expert"},
		},
		Default: "free", // requests without a tier; a tier not listed gets no model
	}
	// The built-in capability, context-window, budget and latency filters,
	// the tiers, then the selection rule.
	policy := llmrouter.DefaultPolicy(tiers, llmrouter.CheapestAdequate{MinQuality: 0.7})
	return llmrouter.New(providers, llmrouter.WithClassifier(rules), llmrouter.WithPolicy(policy))
}

// fakeProviders returns a fake provider per card.
func fakeProviders() []llmrouter.Provider {
	ps := make([]llmrouter.Provider, len(cards))
	for i, c := range cards {
		ps[i] = routertest.NewProvider(c)
	}
	return ps
}

func run(w io.Writer) error {
	router, err := NewRouter(fakeProviders())
	if err != nil {
		return err
	}
	requests := []struct {
		prompt string
		hints  llmrouter.Hints
	}{
		{"Where can I download my last invoice?", llmrouter.Hints{Tier: "free"}},
		{"Does this contract limit our liability?", llmrouter.Hints{Tier: "free"}},
		{"Does this contract limit our liability?", llmrouter.Hints{Tier: "pro"}},
		{"Hi! What can you do?", llmrouter.Hints{Tier: "trial"}},
	}
	for _, r := range requests {
		ctx := llmrouter.WithHints(context.Background(), r.hints)
		d, err := router.Route(ctx, []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, r.prompt)})
		switch {
		case errors.Is(err, llmrouter.ErrNoCandidate):
			var nc *llmrouter.NoCandidateError
			errors.As(err, &nc)
			fmt.Fprintf(w, "%-5s %-42s → refused, every model removed (%s: %s)\n", r.hints.Tier, r.prompt, nc.Candidates[0].Model, nc.Candidates[0].Removed)
		case err != nil:
			return err
		default:
			fmt.Fprintf(w, "%-5s %-42s → %s (label %q)\n", r.hints.Tier, r.prompt, d.Model, d.Prediction.Label)
		}
	}
	return nil
}
