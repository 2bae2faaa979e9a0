// Capabilities routes by what models accept and what they are good at.
// Cards declare both in ModelCard.Capabilities: Vision, Tools, JSONMode
// and Streaming are required when a request needs them (a model without
// vision never sees an image); Code, Math, Multilingual and LongContext
// are strengths that CheapestAdequate prefers among adequate models, so
// code goes to the code model although a cheaper generalist would do.
//
// It uses fake models only: no network, no API key.
//
//	go run ./examples/capabilities
package main

import (
	"context"
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

func run(w io.Writer) error {
	cards := []llmrouter.ModelCard{
		{Name: "general", InputPerMTok: 0.15, OutputPerMTok: 0.60, Quality: 0.85,
			Capabilities: llmrouter.JSONMode | llmrouter.Streaming},
		{Name: "coder", InputPerMTok: 0.40, OutputPerMTok: 1.60, Quality: 0.85,
			Capabilities: llmrouter.Tools | llmrouter.JSONMode | llmrouter.Streaming | llmrouter.Code | llmrouter.LongContext},
		{Name: "multimodal", InputPerMTok: 2.50, OutputPerMTok: 10, Quality: 0.90,
			Capabilities: llmrouter.Vision | llmrouter.Tools | llmrouter.JSONMode | llmrouter.Streaming | llmrouter.Multilingual},
	}
	var providers []llmrouter.Provider
	for _, c := range cards {
		providers = append(providers, routertest.NewProvider(c, routertest.Response{Text: "answer from " + c.Name, InputTokens: 60, OutputTokens: 200}))
	}
	// The default classifier and DefaultPolicy: capability filters, then
	// CheapestAdequate, here at 0.6 so the generalist is adequate for all.
	router, err := llmrouter.New(providers, llmrouter.WithPolicy(llmrouter.DefaultPolicy(llmrouter.CheapestAdequate{MinQuality: 0.6})))
	if err != nil {
		return err
	}
	const buggy = "Why does this Go function return the wrong sum?\n```go\nfunc add(a, b int) int { return a - b }\n```"
	requests := []struct {
		name  string
		parts []llms.ContentPart
	}{
		{"plain", []llms.ContentPart{llms.TextPart("Write a two-line thank-you note to a colleague.")}},
		{"code", []llms.ContentPart{llms.TextPart(buggy)}},
		{"code in a screenshot", []llms.ContentPart{llms.TextPart("What is wrong with the code in this screenshot?"), llms.ImageURLPart("https://example.com/bug.png")}},
		{"Japanese", []llms.ContentPart{llms.TextPart("同僚への短いお礼のメッセージを書いてください。")}},
	}
	for _, req := range requests {
		resp, err := router.GenerateContent(context.Background(), []llms.MessageContent{{Role: llms.ChatMessageTypeHuman, Parts: req.parts}})
		if err != nil {
			return err
		}
		d, _ := llmrouter.DecisionFrom(resp)
		fmt.Fprintf(w, "%s (label %s): → %s (%s)", req.name, d.Prediction.Label, d.Answered, d.Plan[0].Reason)
		for _, c := range d.Candidates {
			if c.Removed != "" {
				fmt.Fprintf(w, "; %s removed: %s", c.Model, c.Removed)
			}
		}
		fmt.Fprintln(w)
	}
	return nil
}
