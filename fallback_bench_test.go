package llmrouter_test

import (
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/tmc/langchaingo/llms"
)

// BenchmarkExecute measures the cost of resilient plan execution when
// nothing fails: the same routed call through the plain plan execution
// (no WithFallback) and with the resilience features on (per-error
// policy, circuit breakers consulted and fed, the default verifier, and
// then also a per-attempt timeout and a hedging timer). The differences
// between the sub-benchmarks are the fallback overhead.
//
//	go test -run '^$' -bench BenchmarkExecute -benchmem -count 5 .
func BenchmarkExecute(b *testing.B) {
	var model llms.Model = staticModel{resp: &llms.ContentResponse{Choices: []*llms.ContentChoice{{
		Content: "ok", GenerationInfo: map[string]any{"PromptTokens": 256, "CompletionTokens": 2},
	}}}}
	for _, bc := range []struct {
		name string
		opts []llmrouter.Option
	}{
		{"plain", nil},
		{"resilient", []llmrouter.Option{llmrouter.WithFallback(llmrouter.Fallback{Verifier: llmrouter.DefaultVerifier})}},
		{"resilient+timeout", []llmrouter.Option{llmrouter.WithFallback(llmrouter.Fallback{Verifier: llmrouter.DefaultVerifier, AttemptTimeout: time.Minute})}},
		{"resilient+hedge", []llmrouter.Option{llmrouter.WithFallback(llmrouter.Fallback{Verifier: llmrouter.DefaultVerifier, Hedge: llmrouter.Hedge{Delay: time.Minute}})}},
	} {
		b.Run(bc.name, func(b *testing.B) { benchRouterCall(b, model, bc.opts...) })
	}
}
