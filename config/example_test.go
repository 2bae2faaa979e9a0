package config_test

import (
	"context"
	"fmt"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/config"
	"github.com/tmc/langchaingo/llms"
)

// A configuration with fake models (no keys needed) built into a Router;
// config.Load(path) reads the same from a file. A real service gives its
// models provider openai, anthropic or ollama and api_key_env.
func ExampleParse() {
	f, err := config.Parse("router.yaml", []byte(`
models:
  - name: mini
    provider: fake
    api_model: gpt-4o-mini      # prices, window and capabilities from the catalog
    quality: 0.72
  - name: big
    provider: fake
    api_model: gpt-4o
    quality: 0.88
tiers:
  default: free
  allow: {free: [mini], pro: [mini, big]}
policy:
  rule: cheapest-adequate
fallback:
  max_retries: 2
`))
	if err != nil {
		panic(err) // every problem at once, as "router.yaml:12: models[1].price_in: must be >= 0"
	}
	for _, c := range f.Cards() {
		fmt.Printf("%s $%.2f/$%.2f %s\n", c.Name, c.InputPerMTok, c.OutputPerMTok, c.Capabilities)
	}
	r, err := f.Build(config.BuildOptions{})
	if err != nil {
		panic(err)
	}
	prove := []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman,
		"Prove that there are infinitely many primes. First derive the construction, then prove each step rigorously.")}
	for _, tier := range []string{"free", "pro"} {
		d, err := r.Route(llmrouter.WithHints(context.Background(), llmrouter.Hints{Tier: tier}), prove)
		if err != nil {
			panic(err)
		}
		fmt.Println(tier, "→", d.Model)
	}

	_, err = config.Parse("bad.yaml", []byte("models:\n  - name: x\n    provider: openai\n    price_in: -1\n"))
	fmt.Println(err)
	// Output:
	// mini $0.15/$0.60 vision|tools|json|streaming
	// big $2.50/$10.00 vision|tools|json|streaming
	// free → mini
	// pro → big
	// bad.yaml:2: models[0].api_key_env: required for provider openai: the name of the environment variable holding the key
	// bad.yaml:4: models[0].price_in: must be >= 0, got -1
}
