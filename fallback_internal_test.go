package llmrouter

import (
	"context"
	"testing"
	"time"

	"github.com/tmc/langchaingo/llms"
)

type instantModel struct{ resp *llms.ContentResponse }

func (m instantModel) GenerateContent(context.Context, []llms.MessageContent, ...llms.CallOption) (*llms.ContentResponse, error) {
	return m.resp, nil
}

func (m instantModel) Call(context.Context, string, ...llms.CallOption) (string, error) {
	return m.resp.Choices[0].Content, nil
}

// BenchmarkExecuteOnly times plan execution alone (routing done once,
// outside the loop) with an instant provider: plain vs. the resilience
// features on. The difference is the fallback overhead when nothing fails.
//
//	go test -run '^$' -bench BenchmarkExecuteOnly -benchmem -count 6 .
func BenchmarkExecuteOnly(b *testing.B) {
	m := instantModel{resp: &llms.ContentResponse{Choices: []*llms.ContentChoice{{
		Content: "ok", GenerationInfo: map[string]any{"PromptTokens": 256, "CompletionTokens": 2},
	}}}}
	cards := []ModelCard{
		{Name: "cheap", InputPerMTok: 0.1, OutputPerMTok: 0.4, ContextWindow: 8000, Quality: 0.6},
		{Name: "strong", InputPerMTok: 5, OutputPerMTok: 15, ContextWindow: 128000, Quality: 0.9},
	}
	msgs := []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "What is the capital of France?")}
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		opts []Option
	}{
		{"plain", nil},
		{"resilient", []Option{WithFallback(Fallback{Verifier: DefaultVerifier})}},
		{"resilient+timeout", []Option{WithFallback(Fallback{Verifier: DefaultVerifier, AttemptTimeout: time.Minute})}},
		{"resilient+hedge", []Option{WithFallback(Fallback{Verifier: DefaultVerifier, Hedge: Hedge{Delay: time.Minute}})}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			r, err := New([]Provider{NewProvider(cards[0], m), NewProvider(cards[1], m)}, bc.opts...)
			if err != nil {
				b.Fatal(err)
			}
			d, first, _, err := r.route(ctx, msgs, nil, true, nil) // as GenerateContent's
			if err != nil {
				b.Fatal(err)
			}
			opts := []llms.CallOption{llms.WithMaxTokens(64)}
			b.ReportAllocs()
			for b.Loop() {
				d.Attempts, d.Cost, d.Usage, d.Answered = first, 0, Usage{}, ""
				if _, err := r.execute(ctx, d, msgs, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
