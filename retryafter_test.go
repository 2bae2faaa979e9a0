package llmrouter_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/internal/openaitest"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms/openai"
)

// retryEpoch is a whole second, so HTTP-dates (whole seconds) relative to
// it are exact.
var retryEpoch = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// headerRouter builds a router over cheap and mid, each a real openai
// client on its own openaitest server, on an auto-advancing fake clock at
// retryEpoch.
func headerRouter(t *testing.T, fb llmrouter.Fallback) (*llmrouter.Router, []*openaitest.Server, *lastSink, *routertest.Clock) {
	t.Helper()
	clock := routertest.NewClock(retryEpoch).SetAutoAdvance(true)
	fb.Clock, fb.Rand = clock, half
	var ps []llmrouter.Provider
	var srvs []*openaitest.Server
	for _, c := range []llmrouter.ModelCard{cheapCard, midCard} {
		srv := openaitest.New(t)
		llm, err := openai.New(openai.WithBaseURL(srv.URL), openai.WithToken("test"), openai.WithModel("gpt-4o-mini"),
			openai.WithHTTPClient(&http.Client{}))
		require.NoError(t, err)
		ps = append(ps, llmrouter.NewProvider(c, llm))
		srvs = append(srvs, srv)
	}
	sink := &lastSink{}
	r, err := llmrouter.New(ps, llmrouter.WithFallback(fb), llmrouter.WithSink(sink), llmrouter.WithClock(clock))
	require.NoError(t, err)
	return r, srvs, sink, clock
}

// TestRetryAfterHeaderOpenAI: a 429 whose only delay is its Retry-After
// header (the body names none) is retried after that delay.
func TestRetryAfterHeaderOpenAI(t *testing.T) {
	tests := []struct {
		name  string
		fault openaitest.Response
		wait  time.Duration
	}{
		{"seconds", openaitest.RateLimitedHeader("2"), 2 * time.Second},
		{"HTTP-date", openaitest.RateLimitedUntil(retryEpoch.Add(5 * time.Second)), 5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, srvs, sink, clock := headerRouter(t, llmrouter.Fallback{})
			srvs[0].Enqueue(tt.fault)
			resp, err := r.GenerateContent(context.Background(), human("What is two plus two?"))
			require.NoError(t, err)
			assert.Equal(t, "ok", resp.Choices[0].Content)
			d := sink.last()
			require.Equal(t, []string{"cheap:rate_limit", "cheap:ok"}, codes(d), d.Explain())
			assert.Equal(t, tt.wait, d.Attempts[1].Wait, "the retry waits the hinted delay")
			assert.Equal(t, []time.Duration{tt.wait}, clock.Waits(), "the clock waited the hint once")
		})
	}
}
