package llmrouter_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/tmc/langchaingo/llms"
)

// FuzzVerifiers feeds arbitrary answers and tool-call arguments to the
// built-in verifiers (the JSON fence stripping and the refusal scan are
// this package's own parsing): they must not panic, must be deterministic,
// and must accept any valid JSON in JSON mode, fenced or not.
//
//	go test -run '^$' -fuzz FuzzVerifiers -fuzztime 30s .
func FuzzVerifiers(f *testing.F) {
	for _, s := range []string{"", " ", "{}", "```json\n{\"a\":1}\n```", "```\n[1]\n```", "```", "I'm sorry, but I can't", "{\"a\":", "\xff\xfe", "```json{}```"} {
		f.Add(s, s)
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, content, args string) {
		a := &llmrouter.Answer{Model: "m", Options: &llms.CallOptions{JSONMode: true}, Response: &llms.ContentResponse{Choices: []*llms.ContentChoice{{
			Content: content, ToolCalls: []llms.ToolCall{{FunctionCall: &llms.FunctionCall{Name: "f", Arguments: args}}},
		}}}}
		e1 := llmrouter.DefaultVerifier.Verify(ctx, a)
		e2 := llmrouter.DefaultVerifier.Verify(ctx, a)
		if (e1 == nil) != (e2 == nil) {
			t.Fatalf("not deterministic: %v vs %v", e1, e2)
		}
		if json.Valid([]byte(content)) {
			a.Response.Choices[0].ToolCalls = nil
			if err := llmrouter.RejectInvalidJSON.Verify(ctx, a); err != nil {
				t.Fatalf("valid JSON %q rejected: %v", content, err)
			}
			a.Response.Choices[0].Content = "```json\n" + content + "\n```"
			if err := llmrouter.RejectInvalidJSON.Verify(ctx, a); err != nil {
				t.Fatalf("fenced valid JSON %q rejected: %v", content, err)
			}
		}
	})
}
