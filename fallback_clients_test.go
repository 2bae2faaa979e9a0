package llmrouter_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/internal/openaitest"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/ollama"
)

// scriptServer answers its requests with the handlers of script in turn,
// then with last.
type scriptServer struct {
	mu     sync.Mutex
	script []http.HandlerFunc
	last   http.HandlerFunc
	n      int
}

func (s *scriptServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	h := s.last
	if s.n < len(s.script) {
		h = s.script[s.n]
	}
	s.n++
	s.mu.Unlock()
	h(w, r)
}

func (s *scriptServer) requests() int { s.mu.Lock(); defer s.mu.Unlock(); return s.n }

func body(status int, text string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(text))
	}
}

// dropConnection closes the connection without answering.
func dropConnection(w http.ResponseWriter, _ *http.Request) {
	c, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		_ = c.Close()
	}
}

const (
	anthropicOK      = `{"id":"m1","type":"message","role":"assistant","model":"m","content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn","usage":{"input_tokens":3,"output_tokens":1}}`
	anthropicNoBlock = `{"id":"m1","type":"message","role":"assistant","model":"m","content":[],"stop_reason":"end_turn","usage":{"input_tokens":3,"output_tokens":0}}`
	ollamaOK         = `{"model":"m","message":{"role":"assistant","content":"ok"},"done":true,"prompt_eval_count":3,"eval_count":1}`
)

// A provider that answers 200 with no answer in it (langchaingo's clients
// return their "no response" error), or that drops the connection before
// answering (net/http's EOF), is unavailable for the moment: the attempt
// is retried on the same model, like a 5xx or a reset connection. Both
// were classified unknown: no retry, straight to the next model.
func TestRealClientsNoAnswerIsRetried(t *testing.T) {
	mk := map[string]func(t *testing.T, url string) llms.Model{
		"anthropic": anthropicAt,
		"ollama": func(t *testing.T, url string) llms.Model {
			m, err := ollama.New(ollama.WithServerURL(url), ollama.WithModel("m"))
			require.NoError(t, err)
			return m
		},
	}
	for _, tc := range []struct {
		name   string
		client string
		fault  http.HandlerFunc
		ok     string
	}{
		{"anthropic: a message with no content block", "anthropic", body(200, anthropicNoBlock), anthropicOK},
		{"anthropic: an empty 200", "anthropic", body(200, ""), anthropicOK},
		{"anthropic: connection dropped", "anthropic", dropConnection, anthropicOK},
		{"ollama: connection dropped", "ollama", dropConnection, ollamaOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cheap := &scriptServer{script: []http.HandlerFunc{tc.fault}, last: body(200, tc.ok)}
			mid := &scriptServer{last: body(200, tc.ok)}
			var ps []llmrouter.Provider
			for i, s := range []*scriptServer{cheap, mid} {
				srv := httptest.NewServer(s)
				t.Cleanup(srv.Close)
				ps = append(ps, llmrouter.NewProvider([]llmrouter.ModelCard{cheapCard, midCard}[i], mk[tc.client](t, srv.URL)))
			}
			sink := &lastSink{}
			clock := routertest.NewClock(time.Now()).SetAutoAdvance(true)
			r, err := llmrouter.New(ps, llmrouter.WithFallback(llmrouter.Fallback{Clock: clock, Rand: half}), llmrouter.WithSink(sink))
			require.NoError(t, err)
			resp, err := r.GenerateContent(context.Background(), human("hi"))
			require.NoError(t, err)
			assert.Equal(t, "ok", resp.Choices[0].Content)
			d := sink.last()
			assert.Equal(t, []string{"cheap:provider_unavailable", "cheap:ok"}, codes(d), d.Explain())
			assert.Equal(t, 2, cheap.requests())
			assert.Zero(t, mid.requests())
		})
	}
	t.Run("openai: a completion with no choices", func(t *testing.T) {
		r, srvs, sink := openaiRouter(t, llmrouter.Fallback{})
		srvs[0].Enqueue(openaitest.Response{Body: `{"id":"c1","object":"chat.completion","model":"m","choices":[]}`})
		resp, err := r.GenerateContent(context.Background(), human("hi"))
		require.NoError(t, err)
		assert.Equal(t, "ok", resp.Choices[0].Content)
		d := sink.last()
		assert.Equal(t, []string{"cheap:provider_unavailable", "cheap:ok"}, codes(d), d.Explain())
	})
}
