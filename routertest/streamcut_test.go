package routertest_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/openai"
)

// ErrStreamCut is what langchaingo's openai client returns when the
// connection of a stream drops after a chunk: the same text, wrapping
// io.ErrUnexpectedEOF, so a classifier tested against the fake (errors.Is
// on io.ErrUnexpectedEOF, or the text) sees what production sees. It was
// a bare string, "error decoding streaming response: unexpected EOF", that
// the client never returns.
func TestErrStreamCutIsTheClients(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = io.WriteString(w, `data: {"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"partial "}}]}`+"\n\n")
		w.(http.Flusher).Flush()
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = buf.Flush()
			_ = conn.Close() // mid chunked body: the client reads an unexpected EOF
		}
	}))
	defer srv.Close()
	c, err := openai.New(openai.WithBaseURL(srv.URL), openai.WithToken("test"), openai.WithModel("m"))
	require.NoError(t, err)
	_, real := c.GenerateContent(context.Background(), []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "hi")},
		llms.WithStreamingFunc(func(context.Context, []byte) error { return nil }))
	require.Error(t, real)
	assert.Equal(t, real.Error(), routertest.ErrStreamCut.Error())
	assert.ErrorIs(t, real, io.ErrUnexpectedEOF)
	assert.ErrorIs(t, routertest.ErrStreamCut, io.ErrUnexpectedEOF)
}
