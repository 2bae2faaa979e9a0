package llmrouter

import (
	"context"
	"testing"
	"time"

	"github.com/tmc/langchaingo/llms"
)

// BenchmarkExecAnnotate times what GenerateContent adds after Route: plan
// execution and the annotated copy of the response, with a provider that
// returns one prebuilt response. Routing is done once, outside the loop,
// so the figure is not lost in Route's noise on a busy machine; compare it
// with BenchmarkGenerateOverhead/route (target: ≤ 0.2 × Route).
//
//	go test -run '^$' -bench BenchmarkExecAnnotate -benchmem -cpu 1 -count 6 .
func BenchmarkExecAnnotate(b *testing.B) {
	m := instantModel{resp: &llms.ContentResponse{Choices: []*llms.ContentChoice{{
		Content: "B", GenerationInfo: map[string]any{"PromptTokens": 256, "CompletionTokens": 1},
	}}}}
	cards := []ModelCard{
		{Name: "cheap", InputPerMTok: 0.1, OutputPerMTok: 0.4, ContextWindow: 8000, Quality: 0.6},
		{Name: "mid", InputPerMTok: 1, OutputPerMTok: 3, ContextWindow: 32000, Quality: 0.75},
		{Name: "strong", InputPerMTok: 5, OutputPerMTok: 15, ContextWindow: 128000, Quality: 0.9},
	}
	msgs := []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "What is the capital of France?\nA. Paris\nB. Lyon\nAnswer:")}
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		opts []Option
	}{
		{"plain", nil},
		{"fallback", []Option{WithFallback(Fallback{})}},
		{"fallback+verifier", []Option{WithFallback(Fallback{Verifier: DefaultVerifier})}},
		{"fallback+timeout", []Option{WithFallback(Fallback{AttemptTimeout: time.Minute})}},
		{"fallback+hedge", []Option{WithFallback(Fallback{Hedge: Hedge{Delay: time.Minute}})}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var ps []Provider
			for _, c := range cards {
				ps = append(ps, NewProvider(c, m))
			}
			r, err := New(ps, bc.opts...)
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
				x := r.newExec(ctx, d, msgs, opts)
				resp, err := x.run()
				if err != nil {
					b.Fatal(err)
				}
				d.Latency = r.now().Sub(d.Time)
				r.recordDecision(context.Background(), d)
				if x.annotate(resp) == nil {
					b.Fatal("no response")
				}
			}
		})
	}
}

// GenerateUnannotated is r.GenerateContent without the annotated copy of
// the answer (exec.annotate): the provider's response comes back as it
// came. Test-only, for BenchmarkGenerateOverheadParts.
func GenerateUnannotated(r *Router, ctx context.Context, messages []llms.MessageContent, options ...llms.CallOption) (*llms.ContentResponse, error) {
	var x exec
	return r.generateUnannotated(ctx, &x, messages, options)
}
