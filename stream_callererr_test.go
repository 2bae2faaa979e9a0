package llmrouter_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/breaker"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

var errCallerGone = errors.New("the caller's client went away")

// A caller's streaming callback that returns an error (its client went
// away, its writer failed) stops the stream: that is the caller's doing,
// not the model's. It was recorded as the model's failure, code unknown,
// and fed to its breaker: five callers closing their streams opened the
// breaker of a healthy model. It is now recorded as canceled by the caller
// (which no breaker counts), and the call's error still matches the
// callback's error.
func TestCallerStreamCallbackErrorIsNotAModelFault(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  llms.CallOption
	}{
		{"StreamingFunc", llms.WithStreamingFunc(func(context.Context, []byte) error { return errCallerGone })},
		{"StreamingReasoningFunc", llms.WithStreamingReasoningFunc(func(context.Context, []byte, []byte) error { return errCallerGone })},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, srvs, sink := openaiRouter(t, llmrouter.Fallback{Breaker: breaker.Settings{ConsecutiveFailures: 2}})
			for i := 0; i < 3; i++ {
				_, err := r.GenerateContent(context.Background(), human("hi"), tc.opt)
				require.ErrorIs(t, err, errCallerGone)
				require.ErrorIs(t, err, llmrouter.ErrStreamStarted)
				d := sink.last()
				require.Len(t, d.Attempts, 1, d.Explain())
				assert.Equal(t, llms.ErrCodeCanceled, d.Attempts[0].Code, d.Explain())
			}
			st := r.Breakers().Breaker("cheap").Stats(time.Now())
			assert.Zero(t, st.Failures)
			assert.Equal(t, breaker.Closed, st.State)
			resp, err := r.GenerateContent(context.Background(), human("hi"))
			require.NoError(t, err)
			assert.Equal(t, "ok", resp.Choices[0].Content)
			assert.Equal(t, "cheap", sink.last().Answered)
			assert.Len(t, srvs[0].Requests(), 4)
		})
	}
}

// A caller's streaming callback that panics is the caller's fault too: the
// router recovers it where the callback is called, so the call fails with
// ErrPanic (its stack in the text) and the model's breaker does not count
// it. Through the anthropic client, which calls the callback on a
// goroutine of its own, the panic killed the process; through the openai
// client it was recovered as the provider's panic and opened the model's
// breaker.
func TestCallerStreamCallbackPanic(t *testing.T) {
	boom := llms.WithStreamingFunc(func(context.Context, []byte) error { panic("caller's callback") })
	newRouter := map[string]func(t *testing.T) *llmrouter.Router{
		"openai": func(t *testing.T) *llmrouter.Router {
			r, _, _ := openaiRouter(t, llmrouter.Fallback{Breaker: breaker.Settings{ConsecutiveFailures: 2}})
			return r
		},
		"anthropic": func(t *testing.T) *llmrouter.Router {
			srv := httptest.NewServer(sseLines(anthropicStreamStart, anthropicStreamText, anthropicStreamEnd))
			t.Cleanup(srv.Close)
			var ps []llmrouter.Provider
			for _, c := range []llmrouter.ModelCard{cheapCard, midCard} {
				ps = append(ps, llmrouter.NewProvider(c, anthropicAt(t, srv.URL)))
			}
			r, err := llmrouter.New(ps, llmrouter.WithFallback(llmrouter.Fallback{Breaker: breaker.Settings{ConsecutiveFailures: 2}}))
			require.NoError(t, err)
			return r
		},
	}
	for _, client := range []string{"openai", "anthropic"} {
		t.Run(client, func(t *testing.T) {
			r := newRouter[client](t)
			for i := 0; i < 3; i++ {
				_, err := r.GenerateContent(context.Background(), human("hi"), boom)
				require.ErrorIs(t, err, llmrouter.ErrPanic)
				require.ErrorIs(t, err, llmrouter.ErrStreamStarted)
				assert.Equal(t, llms.ErrCodeCanceled, llmrouter.ErrorCodeOf(err))
			}
			st := r.Breakers().Breaker("cheap").Stats(time.Now())
			assert.Zero(t, st.Failures)
			assert.Equal(t, breaker.Closed, st.State)
		})
	}
	t.Run("buffered: the panic is the call's error", func(t *testing.T) {
		r, _, sink := openaiRouter(t, llmrouter.Fallback{BufferStreams: true})
		_, err := r.GenerateContent(context.Background(), human("hi"), boom)
		require.ErrorIs(t, err, llmrouter.ErrPanic)
		assert.Contains(t, err.Error(), "the caller's streaming callback panicked: caller's callback")
		assert.Equal(t, []string{"cheap:ok"}, codes(sink.last()))
	})
}

// sseLines answers with lines as a server-sent event stream.
func sseLines(lines ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(http.StatusOK)
		for _, l := range lines {
			_, _ = w.Write([]byte(l + "\n"))
			w.(http.Flusher).Flush()
		}
	}
}

// An Anthropic Messages stream answering "hel".
const (
	anthropicStreamStart = "event: message_start\n" + `data: {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","model":"m","content":[],"usage":{"input_tokens":3,"output_tokens":0}}}` + "\n"
	anthropicStreamText  = `data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}` + "\n" +
		`data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hel"}}` + "\n"
	anthropicStreamEnd = `data: {"type":"content_block_stop","index":0}` + "\n" +
		`data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":1}}` + "\n" + `data: {"type":"message_stop"}` + "\n"
)
