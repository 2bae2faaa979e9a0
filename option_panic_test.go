package llmrouter_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// usedUp is a caller's llms.CallOption that works uses times and then
// reads through a nil pointer: the router's own applications of the
// options (route, before any model; exec.run again when there is
// Metadata) are fine, and the provider's, inside GenerateContent, panics.
// An option stands for the request: it fails the same way on every model.
func usedUp(uses int32) llms.CallOption {
	var n atomic.Int32
	var cfg *struct{ temp float64 }
	return func(o *llms.CallOptions) {
		if n.Add(1) > uses {
			o.Temperature = cfg.temp
		}
	}
}

// A panic in a caller's CallOption applied by the provider was blamed on
// the model, as a provider's panic is: retried, counted against each
// model's breaker, every model tried. Such a panic is now told apart (a
// frame of the panic runs one of the attempt's options) and is the
// request's fault: invalid request, which stops the plan and no breaker
// counts. The real openai client applies the options it is given.
func TestCallOptionPanicInProviderIsTheRequests(t *testing.T) {
	r, srvs, sink := openaiRouter(t, llmrouter.Fallback{})
	_, err := r.GenerateContent(context.Background(), human("hi"), llms.WithTemperature(0.2), usedUp(1))
	require.Error(t, err)
	assert.ErrorIs(t, err, llmrouter.ErrPanic)
	assert.ErrorIs(t, err, llms.ErrInvalidRequest)
	assert.Contains(t, err.Error(), "a call option panicked as the provider applied it: provider cheap panicked")
	d := sink.last()
	assert.Equal(t, []string{"cheap:invalid_request"}, codes(d), d.Explain())
	for _, s := range srvs {
		assert.Empty(t, s.Requests(), "the option panicked before the request was sent")
	}
	st := r.Breakers().Breaker("cheap").Stats(time.Now())
	assert.Zero(t, st.Failures, "%+v", st)

	t.Run("metadata: the options run inside the router's isolating option", func(t *testing.T) {
		r, _, sink := openaiRouter(t, llmrouter.Fallback{})
		_, err := r.GenerateContent(context.Background(), human("hi"), llms.WithMetadata(map[string]any{"k": 1}), usedUp(2))
		assert.ErrorIs(t, err, llms.ErrInvalidRequest)
		assert.Equal(t, []string{"cheap:invalid_request"}, codes(sink.last()))
	})
	t.Run("hedged: the attempt on the hedge's goroutine", func(t *testing.T) {
		r, _, sink := openaiRouter(t, llmrouter.Fallback{Clock: routertest.NewClock(time.Now()), Hedge: llmrouter.Hedge{Delay: time.Hour}})
		_, err := r.GenerateContent(context.Background(), human("hi"), usedUp(1))
		assert.ErrorIs(t, err, llms.ErrInvalidRequest)
		assert.Equal(t, []string{"cheap:invalid_request"}, codes(sink.last()))
	})
	t.Run("plain router: each model once, none blamed", func(t *testing.T) {
		r, _, sink := plainOpenAIRouter(t)
		_, err := r.GenerateContent(context.Background(), human("hi"), usedUp(1))
		assert.ErrorIs(t, err, llms.ErrInvalidRequest)
		assert.Equal(t, []string{"cheap:invalid_request", "mid:invalid_request", "strong:invalid_request"}, codes(sink.last()))
	})
	t.Run("a provider's own panic is still the provider's", func(t *testing.T) {
		cheap := &funcProvider{card: cheapCard, fn: panics("boom")}
		r, err := llmrouter.New([]llmrouter.Provider{cheap}, llmrouter.WithSink(sink))
		require.NoError(t, err)
		_, err = r.GenerateContent(context.Background(), human("hi"), llms.WithTemperature(0.2))
		assert.ErrorIs(t, err, llms.ErrProviderUnavailable)
	})
}

// A caller's CallOption that panics as the router itself applies the
// options (Route and GenerateContent apply them once to route; with a
// Metadata map GenerateContent applies them again) panicked on the
// caller's goroutine. It is now the request's error, as when the provider
// applies it: invalid request, matching ErrPanic, and no model is called.
func TestCallOptionPanicInRouterIsTheRequests(t *testing.T) {
	for _, tc := range []struct {
		name     string
		opts     []llms.CallOption
		decision bool // routed before the panic: a failed decision is recorded
	}{
		{"route's application", []llms.CallOption{usedUp(0)}, false},
		{"the second application, for a Metadata map", []llms.CallOption{llms.WithMetadata(map[string]any{"k": 1}), usedUp(1)}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var called atomic.Int32
			p := &funcProvider{card: cheapCard, fn: func(context.Context, *llms.CallOptions) (*llms.ContentResponse, error) {
				called.Add(1)
				return &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: "a"}}}, nil
			}}
			var sunk []*llmrouter.Decision
			r, err := llmrouter.New([]llmrouter.Provider{p}, llmrouter.WithSink(llmrouter.SinkFunc(func(d *llmrouter.Decision) { sunk = append(sunk, d) })))
			require.NoError(t, err)
			var resp *llms.ContentResponse
			require.NotPanics(t, func() { resp, err = r.GenerateContent(context.Background(), human("hi"), tc.opts...) })
			assert.Nil(t, resp)
			assert.ErrorIs(t, err, llmrouter.ErrPanic)
			assert.ErrorIs(t, err, llms.ErrInvalidRequest)
			assert.Contains(t, err.Error(), "a call option panicked")
			assert.Zero(t, called.Load(), "no model is called")
			if !tc.decision {
				assert.Empty(t, sunk)
				return
			}
			require.Len(t, sunk, 1)
			assert.ErrorIs(t, sunk[0].Err, llms.ErrInvalidRequest)
			assert.Empty(t, sunk[0].Attempts)
		})
	}
	t.Run("Route", func(t *testing.T) {
		r, err := llmrouter.New([]llmrouter.Provider{&funcProvider{card: cheapCard}})
		require.NoError(t, err)
		var d *llmrouter.Decision
		require.NotPanics(t, func() { d, err = r.Route(context.Background(), human("hi"), usedUp(0)) })
		assert.Nil(t, d)
		assert.ErrorIs(t, err, llmrouter.ErrPanic)
		assert.ErrorIs(t, err, llms.ErrInvalidRequest)
	})
}
