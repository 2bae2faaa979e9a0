package llmrouter_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/ollama"
)

// langchaingo's ollama client reads the body line by line and reports an
// error status only beside a line; given a body with no line at all (an
// error status with an empty body, from a proxy or a crashed server) or no
// final "done" line (a stream cut short) it returns an empty answer and a
// nil error. The plain router, which accepts empty answers by design (an
// empty completion can be a legitimate answer; Fallback.AllowEmptyAnswers
// is the resilient router's opt-in), returned it as a success. NewProvider
// over the ollama client now fails it, plain or resilient.
func TestOllamaNoDoneLineFails(t *testing.T) {
	streamCut := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/x-ndjson")
		_, _ = w.Write([]byte(`{"model":"m","message":{"role":"assistant","content":"partial"},"done":false}` + "\n"))
	}
	stream := llms.WithStreamingFunc(func(context.Context, []byte) error { return nil })
	for _, tc := range []struct {
		name  string
		fault http.HandlerFunc
		opts  []llms.CallOption
	}{
		{"500, empty body", body(500, ""), nil},
		{"502, empty body", body(502, ""), nil},
		{"401, empty body", body(401, ""), nil},
		{"200, empty body", body(200, ""), nil},
		{"200, streamed, no done line", streamCut, []llms.CallOption{stream}},
		{"200, not streamed, no done line", streamCut, nil},
	} {
		t.Run(tc.name+": plain", func(t *testing.T) {
			srv := httptest.NewServer(tc.fault)
			t.Cleanup(srv.Close)
			sink := &lastSink{}
			r, err := llmrouter.New([]llmrouter.Provider{llmrouter.NewProvider(cheapCard, ollamaClient(t, srv.URL))}, llmrouter.WithSink(sink))
			require.NoError(t, err)
			resp, err := r.GenerateContent(context.Background(), human("hi"), tc.opts...)
			require.Error(t, err, "an empty success: %+v", resp)
			assert.ErrorIs(t, err, llms.ErrProviderUnavailable)
			assert.ErrorIs(t, err, llmrouter.ErrEmptyResponse)
			assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
			assert.Contains(t, err.Error(), `model "cheap": the ollama client returned no answer and no error`)
			assert.Equal(t, []string{"cheap:provider_unavailable"}, codes(sink.last()))
		})
		t.Run(tc.name+": resilient, empty answers allowed, buffered", func(t *testing.T) {
			cheap := &scriptServer{script: []http.HandlerFunc{tc.fault}, last: body(200, ollamaOK)}
			srv := httptest.NewServer(cheap)
			t.Cleanup(srv.Close)
			sink := &lastSink{}
			r, err := llmrouter.New([]llmrouter.Provider{llmrouter.NewProvider(cheapCard, ollamaClient(t, srv.URL))}, llmrouter.WithSink(sink),
				llmrouter.WithFallback(llmrouter.Fallback{AllowEmptyAnswers: true, BufferStreams: true, Clock: routertest.NewClock(time.Now()).SetAutoAdvance(true), Rand: half}))
			require.NoError(t, err)
			resp, err := r.GenerateContent(context.Background(), human("hi"), tc.opts...)
			require.NoError(t, err)
			assert.Equal(t, "ok", resp.Choices[0].Content)
			assert.Equal(t, []string{"cheap:provider_unavailable", "cheap:ok"}, codes(sink.last()))
		})
	}
	// The design is kept: a final line with no text is an empty completion,
	// which the plain router returns.
	t.Run("done line with no text: plain router accepts it", func(t *testing.T) {
		srv := httptest.NewServer(body(200, `{"model":"m","message":{"role":"assistant","content":""},"done":true,"prompt_eval_count":3,"eval_count":1}`))
		t.Cleanup(srv.Close)
		r, err := llmrouter.New([]llmrouter.Provider{llmrouter.NewProvider(cheapCard, ollamaClient(t, srv.URL))})
		require.NoError(t, err)
		resp, err := r.GenerateContent(context.Background(), human("hi"))
		require.NoError(t, err)
		assert.Empty(t, resp.Choices[0].Content)
	})
}

func ollamaClient(t *testing.T, url string) llms.Model {
	t.Helper()
	m, err := ollama.New(ollama.WithServerURL(url), ollama.WithModel("m"))
	require.NoError(t, err)
	return m
}
