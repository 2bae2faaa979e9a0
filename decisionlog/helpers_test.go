package decisionlog

import (
	"context"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

var (
	cheapCard  = llmrouter.ModelCard{Name: "cheap", InputPerMTok: 0.1, OutputPerMTok: 0.4, ContextWindow: 8000, Quality: 0.6}
	strongCard = llmrouter.ModelCard{Name: "strong", InputPerMTok: 5, OutputPerMTok: 15, ContextWindow: 128000, Quality: 0.9}
	testStart  = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	testKey    = []byte("0123456789abcdef-test-key")
)

// newRouter returns a router over a cheap and a strong fake model that
// answer "cheap answer" / "strong answer", timed by clock, sending its
// decisions to sinks.
func newRouter(t testing.TB, clock *routertest.Clock, sinks []llmrouter.Sink, opts ...llmrouter.Option) *llmrouter.Router {
	t.Helper()
	ps := []llmrouter.Provider{
		routertest.NewProvider(cheapCard, routertest.Response{Text: "cheap answer", InputTokens: 100, OutputTokens: 20, Latency: 200 * time.Millisecond}).WithClock(clock),
		routertest.NewProvider(strongCard, routertest.Response{Text: "strong answer", InputTokens: 100, OutputTokens: 20, Latency: time.Second}).WithClock(clock),
	}
	n := 0
	var mu sync.Mutex
	opts = append([]llmrouter.Option{llmrouter.WithClock(clock), llmrouter.WithSink(sinks...),
		llmrouter.WithIDGenerator(func() string { mu.Lock(); defer mu.Unlock(); n++; return fmt.Sprintf("d%05d", n) })}, opts...)
	r, err := llmrouter.New(ps, opts...)
	require.NoError(t, err)
	return r
}

func human(text string) []llms.MessageContent {
	return []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, text)}
}

// generate runs one request as user and returns its response.
func generate(t testing.TB, r *llmrouter.Router, user, prompt string) *llms.ContentResponse {
	t.Helper()
	ctx := llmrouter.WithHints(context.Background(), llmrouter.Hints{User: user})
	resp, err := r.GenerateContent(ctx, human(prompt))
	require.NoError(t, err)
	return resp
}

// scanAll reads the log in dir.
func scanAll(t testing.TB, dir string) ([]*Entry, ScanStats) {
	t.Helper()
	var out []*Entry
	st, err := Scan(dir, func(e *Entry) error { out = append(out, e); return nil })
	require.NoError(t, err)
	return out, st
}

// gate is a file wrapper whose writes wait until it is opened; entered
// receives once per blocked write.
type gate struct {
	w       io.Writer
	open    chan struct{}
	entered chan struct{}
}

func (g *gate) Write(p []byte) (int, error) {
	select {
	case <-g.open:
	default:
		g.entered <- struct{}{}
		<-g.open
	}
	return g.w.Write(p)
}

// failOnce is a file wrapper whose first write fails.
type failOnce struct {
	w      io.Writer
	failed *bool
}

func (f failOnce) Write(p []byte) (int, error) {
	if !*f.failed {
		*f.failed = true
		return 0, fmt.Errorf("disk full (injected)")
	}
	return f.w.Write(p)
}
