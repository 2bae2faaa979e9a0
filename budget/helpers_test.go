package budget_test

import (
	"context"
	"sync"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/tmc/langchaingo/llms"
)

var (
	start      = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	cheapCard  = llmrouter.ModelCard{Name: "cheap", InputPerMTok: 0.1, OutputPerMTok: 0.4, Quality: 0.6, MaxOutputTokens: 1000}
	strongCard = llmrouter.ModelCard{Name: "strong", InputPerMTok: 5, OutputPerMTok: 15, Quality: 0.9, MaxOutputTokens: 1000}
)

func human(s string) []llms.MessageContent {
	return []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, s)}
}

func withHints(h llmrouter.Hints) context.Context {
	return llmrouter.WithHints(context.Background(), h)
}

// meter is a fake provider that honours the output limit it is given and
// bills the input tokens the router estimated (in), as a well-behaved
// provider does: an answer of want output tokens, cut at MaxTokens.
type meter struct {
	card llmrouter.ModelCard
	in   int
	want func(n int) int // the n-th call's answer length

	mu    sync.Mutex
	calls int
	maxTo []int
}

func (m *meter) Card() llmrouter.ModelCard { return m.card }

func (m *meter) GenerateContent(_ context.Context, _ []llms.MessageContent, options ...llms.CallOption) (*llms.ContentResponse, error) {
	var o llms.CallOptions
	for _, opt := range options {
		opt(&o)
	}
	m.mu.Lock()
	n := m.calls
	m.calls++
	m.maxTo = append(m.maxTo, o.MaxTokens)
	m.mu.Unlock()
	out := 100
	if m.want != nil {
		out = m.want(n)
	}
	if o.MaxTokens > 0 {
		out = min(out, o.MaxTokens)
	}
	return &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: "ok", GenerationInfo: map[string]any{
		"PromptTokens": m.in, "CompletionTokens": out, "TotalTokens": m.in + out}}}}, nil
}

var _ llmrouter.Provider = (*meter)(nil)

func newClock() *routertest.Clock { return routertest.NewClock(start) }
