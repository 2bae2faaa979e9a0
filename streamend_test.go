package llmrouter_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/anthropic"
	"github.com/tmc/langchaingo/llms/openai"
)

// sse answers 200 with the given server-sent events and then ends the
// body cleanly, as a server (or a proxy) does that stops a stream early
// without dropping the connection.
func sse(events ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(http.StatusOK)
		for _, e := range events {
			_, _ = io.WriteString(w, "data: "+e+"\n\n")
			w.(http.Flusher).Flush()
		}
	}
}

// oaChunk is an openai stream's content chunk; finish, when not empty,
// is its finish_reason.
func oaChunk(text, finish string) string {
	f := "null"
	if finish != "" {
		f = `"` + finish + `"`
	}
	return `{"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"` + text + `"},"finish_reason":` + f + `}]}`
}

// anDelta is an anthropic stream's text delta.
func anDelta(text string) string {
	return `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"` + text + `"}}`
}

const (
	anStart      = `{"type":"message_start","message":{"id":"m1","type":"message","role":"assistant","model":"m","content":[],"usage":{"input_tokens":3,"output_tokens":1}}}`
	anBlockStart = `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`
	anBlockStop  = `{"type":"content_block_stop","index":0}`
	anMsgDelta   = `{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}`
	anStop       = `{"type":"message_stop"}`
)

var (
	oaTruncated = sse(oaChunk("half an ", ""), oaChunk("answ", ""))                      // no finish_reason, no [DONE]
	oaNoDone    = sse(oaChunk("half an ", ""), oaChunk("answ", ""), oaChunk("", "stop")) // finished, only [DONE] missing
	oaWhole     = sse(oaChunk("the whole ", ""), oaChunk("answer", "stop"), "[DONE]")
	anTruncated = sse(anStart, anBlockStart, anDelta("half an "), anDelta("answ")) // no message_stop
	anWhole     = sse(anStart, anBlockStart, anDelta("the whole "), anDelta("answer"), anBlockStop, anMsgDelta, anStop)
)

func openaiAt(t *testing.T, url string) llms.Model {
	m, err := openai.New(openai.WithBaseURL(url), openai.WithToken("t"), openai.WithModel("m"))
	require.NoError(t, err)
	return m
}

func anthropicAt(t *testing.T, url string) llms.Model {
	m, err := anthropic.New(anthropic.WithBaseURL(url), anthropic.WithToken("t"), anthropic.WithModel("m"))
	require.NoError(t, err)
	return m
}

func streamTo(got *[]string) llms.CallOption {
	return llms.WithStreamingFunc(func(_ context.Context, c []byte) error {
		if len(c) > 0 {
			*got = append(*got, string(c))
		}
		return nil
	})
}

// What the clients themselves return for a stream that ends cleanly before
// its end: openai's returns the text so far as a success with no stop
// reason (it reads the end of the body as the end of the stream), while
// anthropic's fails with its "no response" error (it keeps the message
// only on message_stop). A stream that finished but lost its [DONE] is
// whole, with its stop reason. Both stream every chunk they read.
func TestClientsOnAStreamEndingEarly(t *testing.T) {
	cut, whole := []string{"half an ", "answ"}, []string{"the whole ", "answer"}
	for _, tc := range []struct {
		name     string
		mk       func(*testing.T, string) llms.Model
		h        http.HandlerFunc
		chunks   []string
		wantErr  error
		wantStop string
	}{
		{"openai: truncated", openaiAt, oaTruncated, cut, nil, ""},
		{"openai: finished without [DONE]", openaiAt, oaNoDone, cut, nil, "stop"},
		{"openai: whole", openaiAt, oaWhole, whole, nil, "stop"},
		{"anthropic: truncated", anthropicAt, anTruncated, cut, anthropic.ErrEmptyResponse, ""},
		{"anthropic: whole", anthropicAt, anWhole, whole, nil, "end_turn"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.h)
			defer srv.Close()
			var got []string
			resp, err := tc.mk(t, srv.URL).GenerateContent(context.Background(), human("hi"), streamTo(&got))
			assert.Equal(t, tc.chunks, got)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, strings.Join(tc.chunks, ""), resp.Choices[0].Content)
			assert.Equal(t, tc.wantStop, resp.Choices[0].StopReason)
		})
	}
}

// The router treats a stream that ended before its end as a failed
// attempt, for both clients: buffered, the next model answers and the
// caller sees its text only; unbuffered, the caller already has the
// truncated text, so the call fails with ErrStreamStarted rather than
// passing the truncated answer off as whole. In the plain loop (no
// WithFallback) too. A stream that finished without its [DONE] is whole.
func TestRouterOnAStreamEndingEarly(t *testing.T) {
	cut, whole := []string{"half an ", "answ"}, []string{"the whole ", "answer"}
	for _, tc := range []struct {
		name     string
		mk       func(*testing.T, string) llms.Model
		first    http.HandlerFunc
		second   http.HandlerFunc
		fallback bool
		buffered bool
		want     []string // the text streamed to the caller
		wantErr  error
		answered string
	}{
		{"openai buffered", openaiAt, oaTruncated, oaWhole, true, true, whole, nil, "mid"},
		{"openai unbuffered", openaiAt, oaTruncated, oaWhole, true, false, cut, llmrouter.ErrStreamStarted, ""},
		{"openai plain loop, buffered", openaiAt, oaTruncated, oaWhole, false, true, whole, nil, "mid"},
		{"openai plain loop, unbuffered", openaiAt, oaTruncated, oaWhole, false, false, cut, llmrouter.ErrStreamStarted, ""},
		{"openai finished without [DONE]", openaiAt, oaNoDone, oaWhole, true, false, cut, nil, "cheap"},
		{"anthropic buffered", anthropicAt, anTruncated, anWhole, true, true, whole, nil, "mid"},
		{"anthropic unbuffered", anthropicAt, anTruncated, anWhole, true, false, cut, llmrouter.ErrStreamStarted, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ps []llmrouter.Provider
			for i, h := range []http.HandlerFunc{tc.first, tc.second} {
				srv := httptest.NewServer(h)
				t.Cleanup(srv.Close)
				ps = append(ps, llmrouter.NewProvider([]llmrouter.ModelCard{cheapCard, midCard}[i], tc.mk(t, srv.URL)))
			}
			sink := &lastSink{}
			opts := []llmrouter.Option{llmrouter.WithSink(sink)}
			if tc.fallback {
				clock := routertest.NewClock(time.Now()).SetAutoAdvance(true)
				opts = append(opts, llmrouter.WithFallback(llmrouter.Fallback{Clock: clock, Rand: half, MaxRetries: -1}))
			}
			r, err := llmrouter.New(ps, opts...)
			require.NoError(t, err)
			ctx := llmrouter.WithHints(context.Background(), llmrouter.Hints{BufferStream: tc.buffered})
			var got []string
			resp, err := r.GenerateContent(ctx, human("hi"), streamTo(&got))
			assert.Equal(t, tc.want, got)
			d := sink.last()
			require.NotNil(t, d)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				require.Len(t, d.Attempts, 1, d.Explain())
				assert.Error(t, d.Attempts[0].Err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, strings.Join(tc.want, ""), resp.Choices[0].Content)
			assert.Equal(t, tc.answered, d.Answered, d.Explain())
			if tc.answered == "mid" {
				require.Len(t, d.Attempts, 2, d.Explain())
				assert.Error(t, d.Attempts[0].Err)
			}
		})
	}
}
