package llmrouter_test

import (
	"context"
	"fmt"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/tmc/langchaingo/llms"
)

// ExampleNewRuleClassifier routes by explicit rules: keywords, a regular
// expression, and any condition on the features; the rest falls to the
// built-in classifier.
func ExampleNewRuleClassifier() {
	rules, err := llmrouter.NewRuleClassifier(llmrouter.RuleSet{
		Rules: []llmrouter.Rule{
			{Label: "code", Keywords: []string{"golang", "stack trace"}},
			{Label: "legal", Pattern: `(?i)\b(contract|liability)\b`},
			{Label: "vision", When: func(f *llmrouter.Features) bool { return f.Images > 0 }},
		},
		Labels: map[string]map[string]float64{
			"code":   {"small": 0.5, "large": 0.9},
			"legal":  {"small": 0.3, "large": 0.95},
			"vision": {"small": 0, "large": 0.9},
		},
		Fallback: llmrouter.DefaultClassifier(),
	})
	if err != nil {
		panic(err)
	}
	r, err := llmrouter.New([]llmrouter.Provider{
		routertest.NewProvider(llmrouter.ModelCard{Name: "small", InputPerMTok: 0.1, OutputPerMTok: 0.4, Quality: 0.7}),
		routertest.NewProvider(llmrouter.ModelCard{Name: "large", InputPerMTok: 5, OutputPerMTok: 15, Quality: 0.9}),
	}, llmrouter.WithClassifier(rules))
	if err != nil {
		panic(err)
	}
	for _, prompt := range []string{"Why does my Golang build print this stack trace?", "Summarise this contract.", "What is the capital of France?"} {
		d, err := r.Route(context.Background(), []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, prompt)})
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-8q %s\n", d.Prediction.Label, d.Model)
	}
	// Output:
	// "code"   large
	// "legal"  large
	// "simple" small
}
