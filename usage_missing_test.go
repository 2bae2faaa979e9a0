package llmrouter_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/openai"
)

// An OpenAI-compatible server that sends no usage (no "usage" object, or a
// stream without its usage chunk, as servers ignoring stream_options do)
// leaves langchaingo's openai client reporting PromptTokens 0 and
// CompletionTokens 0. The router took those zeros as the usage: a
// 500-word answer cost $0, not marked Estimated, so budgets and MaxCost
// never counted it. Zero input and zero output tokens is no usage: the
// router estimates, as when a provider reports none.
func TestZeroUsageIsEstimated(t *testing.T) {
	answer := strings.TrimSpace(strings.Repeat("word ", 500))
	chunk := func(delta, finish string) string {
		return `data: {"id":"c","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":` + delta + `,"finish_reason":` + finish + `}]}` + "\n\n"
	}
	for _, tc := range []struct {
		name   string
		stream bool
		body   string
	}{
		{"not streamed, no usage object", false,
			`{"id":"c","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"` + answer + `"},"finish_reason":"stop"}]}`},
		{"streamed, no usage chunk", true,
			chunk(`{"role":"assistant","content":"`+answer+`"}`, "null") + chunk(`{}`, `"stop"`) + "data: [DONE]\n\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", map[bool]string{false: "application/json", true: "text/event-stream"}[tc.stream])
				_, _ = w.Write([]byte(tc.body))
			}))
			t.Cleanup(srv.Close)
			m, err := openai.New(openai.WithBaseURL(srv.URL), openai.WithToken("t"), openai.WithModel("m"))
			require.NoError(t, err)
			sink := &lastSink{}
			card := llmrouter.ModelCard{Name: "m", InputPerMTok: 1, OutputPerMTok: 10}
			r, err := llmrouter.New([]llmrouter.Provider{llmrouter.NewProvider(card, m)}, llmrouter.WithSink(sink))
			require.NoError(t, err)
			var opts []llms.CallOption
			if tc.stream {
				opts = append(opts, llms.WithStreamingFunc(func(context.Context, []byte) error { return nil }))
			}
			resp, err := r.GenerateContent(context.Background(), human("write five hundred words"), opts...)
			require.NoError(t, err)
			require.Equal(t, answer, resp.Choices[0].Content)
			d := sink.last()
			assert.True(t, d.Usage.Estimated, "no usage reported: estimated")
			assert.Greater(t, d.Usage.OutputTokens, 100, "a 500-word answer")
			assert.Greater(t, d.Usage.InputTokens, 0)
			assert.Greater(t, d.Cost, 0.0)
		})
	}
}
