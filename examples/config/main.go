// Command config builds a router from router.yaml and routes a few
// prompts. Without OPENAI_API_KEY and ANTHROPIC_API_KEY set it routes with
// fake models (a dry run); with them it calls the real APIs.
//
//	go run ./examples/config
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/config"
	"github.com/tmc/langchaingo/llms"
)

func main() {
	path := "examples/config/router.yaml"
	if len(os.Args) > 1 {
		path = os.Args[1]
	}
	if err := run(os.Stdout, path, os.Getenv("OPENAI_API_KEY") == "" || os.Getenv("ANTHROPIC_API_KEY") == ""); err != nil {
		log.Fatal(err)
	}
}

func run(w io.Writer, path string, fake bool) error {
	f, err := config.Load(path)
	if err != nil {
		return err
	}
	r, err := f.Build(config.BuildOptions{Fake: fake})
	if err != nil {
		return err
	}
	for _, p := range []struct {
		tier, text string
	}{
		{"free", "What is the capital of Australia?"},
		{"pro", "Prove that there are infinitely many primes. First derive the construction, then prove each step rigorously and explain why it fails without adding 1."},
	} {
		ctx := llmrouter.WithHints(context.Background(), llmrouter.Hints{Tier: p.tier})
		resp, err := r.GenerateContent(ctx, []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, p.text)})
		if err != nil {
			return err
		}
		d, _ := llmrouter.DecisionFrom(resp)
		fmt.Fprintf(w, "[%s] %q → %s ($%.6f)\n", p.tier, p.text, d.Answered, d.Cost)
	}
	return nil
}
