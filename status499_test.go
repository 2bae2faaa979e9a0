package llmrouter_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/internal/openaitest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// A provider (or a gateway before it) answering 499 "client closed
// request" while the caller's context is alive and the router cancelled
// nothing is a fault on the provider's side, like a dropped connection.
// It was recorded as the caller's cancellation (code canceled, action
// stop): the request failed at once, with healthy models left untried,
// and the model's breaker never counted it.
func TestProvider499IsNotTheCallersCancellation(t *testing.T) {
	closed := openaitest.Response{Status: 499, Body: `{"error":{"message":"Client Closed Request","type":"server_error"}}`}
	t.Run("with fallback: retried", func(t *testing.T) {
		r, srvs, sink := openaiRouter(t, llmrouter.Fallback{})
		srvs[0].Enqueue(closed)
		resp, err := r.GenerateContent(context.Background(), human("hi"))
		require.NoError(t, err)
		assert.Equal(t, "ok", resp.Choices[0].Content)
		d := sink.last()
		assert.Equal(t, []string{"cheap:provider_unavailable", "cheap:ok"}, codes(d), d.Explain())
		assert.ErrorIs(t, d.Attempts[0].Err, llms.ErrProviderUnavailable)
		assert.Equal(t, 1, r.Breakers().Breaker("cheap").Stats(time.Now()).Failures)
	})
	t.Run("plain: the next model", func(t *testing.T) {
		r, srvs, sink := plainOpenAIRouter(t)
		srvs[0].Enqueue(closed)
		resp, err := r.GenerateContent(context.Background(), human("hi"))
		require.NoError(t, err)
		assert.Equal(t, "ok", resp.Choices[0].Content)
		assert.Equal(t, []string{"cheap:provider_unavailable", "mid:ok"}, codes(sink.last()))
	})
	t.Run("the caller's cancellation is still the caller's", func(t *testing.T) {
		r, srvs, sink := openaiRouter(t, llmrouter.Fallback{})
		arrived := make(chan openaitest.Request, 1)
		srvs[0].Enqueue(openaitest.Hold(openaitest.Reply("never"), make(chan struct{}), arrived))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { _, err := r.GenerateContent(ctx, human("hi")); done <- err }()
		<-arrived
		cancel()
		err := <-done
		require.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, []string{"cheap:canceled"}, codes(sink.last()))
		assert.True(t, errors.Is(sink.last().Attempts[0].Err, llms.ErrCanceled))
	})
}
