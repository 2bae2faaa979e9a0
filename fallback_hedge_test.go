package llmrouter_test

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// Hedging in plan execution, with providers whose calls run a function.

// generateStreaming starts r.GenerateContent of "hi" with a streaming func
// that collects the chunks; wait returns the response, every chunk (empty
// ones included) and the error once the call has returned.
func generateStreaming(r *llmrouter.Router) (wait func() (*llms.ContentResponse, []string, error)) {
	var mu sync.Mutex
	var got []string
	var resp *llms.ContentResponse
	done := make(chan error, 1)
	go func() {
		var err error
		resp, err = r.GenerateContent(context.Background(), human("hi"), llms.WithStreamingFunc(func(_ context.Context, c []byte) error {
			mu.Lock()
			got = append(got, string(c))
			mu.Unlock()
			return nil
		}))
		done <- err
	}()
	return func() (*llms.ContentResponse, []string, error) {
		err := <-done
		mu.Lock()
		defer mu.Unlock()
		return resp, got, err
	}
}

// funcProvider is a provider whose calls run fn.
type funcProvider struct {
	card llmrouter.ModelCard
	fn   func(ctx context.Context, opts *llms.CallOptions) (*llms.ContentResponse, error)
	mu   sync.Mutex
	n    int
}

func (p *funcProvider) Card() llmrouter.ModelCard { return p.card }
func (p *funcProvider) calls() int                { p.mu.Lock(); defer p.mu.Unlock(); return p.n }
func (p *funcProvider) GenerateContent(ctx context.Context, _ []llms.MessageContent, options ...llms.CallOption) (*llms.ContentResponse, error) {
	p.mu.Lock()
	p.n++
	p.mu.Unlock()
	var o llms.CallOptions
	for _, opt := range options {
		opt(&o)
	}
	return p.fn(ctx, &o)
}

func text(s string) *llms.ContentResponse {
	return &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: s}}}
}

// blockThen streams chunks, then waits for ctx and returns its error.
func blockThen(chunks ...string) func(ctx context.Context, o *llms.CallOptions) (*llms.ContentResponse, error) {
	return func(ctx context.Context, o *llms.CallOptions) (*llms.ContentResponse, error) {
		for _, c := range chunks {
			if o.StreamingFunc != nil {
				if err := o.StreamingFunc(ctx, []byte(c)); err != nil {
					return nil, err
				}
			}
		}
		<-ctx.Done()
		return nil, ctx.Err()
	}
}

func answerWith(chunks ...string) func(ctx context.Context, o *llms.CallOptions) (*llms.ContentResponse, error) {
	return func(ctx context.Context, o *llms.CallOptions) (*llms.ContentResponse, error) {
		for _, c := range chunks {
			if o.StreamingFunc != nil {
				if err := o.StreamingFunc(ctx, []byte(c)); err != nil {
					return nil, err
				}
			}
		}
		return text(strings.Join(chunks, "")), nil
	}
}

// settleGoroutines yields until the goroutine count is back to at most
// before, and reports the last count.
func settleGoroutines(before int) int {
	n := runtime.NumGoroutine()
	routertest.Eventually(func() bool { n = runtime.NumGoroutine(); return n <= before })
	return n
}

func TestHedging(t *testing.T) {
	t.Run("a slow first model is hedged; the hedge wins, the first is cancelled", func(t *testing.T) {
		before := runtime.NumGoroutine()
		clock := routertest.NewClock(time.Now())
		cheap := &funcProvider{card: cheapCard, fn: blockThen()}
		mid := &funcProvider{card: midCard, fn: answerWith("from mid")}
		sink := &lastSink{}
		r, err := llmrouter.New([]llmrouter.Provider{cheap, mid, routertest.NewProvider(strongCard)}, llmrouter.WithSink(sink),
			llmrouter.WithFallback(llmrouter.Fallback{Clock: clock, Hedge: llmrouter.Hedge{Delay: 2 * time.Second}}))
		require.NoError(t, err)
		done := make(chan *llms.ContentResponse, 1)
		go func() {
			resp, err := r.GenerateContent(context.Background(), human("hi"))
			assert.NoError(t, err)
			done <- resp
		}()
		require.True(t, routertest.Eventually(func() bool { return cheap.calls() == 1 }))
		require.True(t, clock.WaitForWaiters(1), "the hedge delay waits on the clock")
		assert.Zero(t, mid.calls(), "no hedge before the delay")
		clock.Advance(2 * time.Second)
		resp := <-done
		require.NotNil(t, resp)
		assert.Equal(t, "from mid", resp.Choices[0].Content)
		d := sink.last()
		assert.Equal(t, "mid", d.Answered)
		require.Len(t, d.Attempts, 2)
		assert.Equal(t, "mid", d.Attempts[0].Model)
		assert.True(t, d.Attempts[0].Hedged)
		assert.Equal(t, "cheap", d.Attempts[1].Model)
		assert.Equal(t, llms.ErrCodeCanceled, d.Attempts[1].Code)
		assert.Equal(t, "lost the hedge", d.Attempts[1].Next)
		assert.Zero(t, r.Breakers().Breaker("cheap").Stats(time.Now()).ConsecutiveFailures, "losing a hedge is not a failure")
		assert.LessOrEqual(t, settleGoroutines(before), before, "no goroutine leak")
	})
	t.Run("the first answers before the delay: no hedge", func(t *testing.T) {
		clock := routertest.NewClock(time.Now())
		cheap := &funcProvider{card: cheapCard, fn: answerWith("quick")}
		mid := &funcProvider{card: midCard, fn: answerWith("m")}
		r, err := llmrouter.New([]llmrouter.Provider{cheap, mid}, llmrouter.WithFallback(llmrouter.Fallback{Clock: clock, Hedge: llmrouter.Hedge{Delay: time.Second}}))
		require.NoError(t, err)
		resp, err := r.GenerateContent(context.Background(), human("hi"))
		require.NoError(t, err)
		assert.Equal(t, "quick", resp.Choices[0].Content)
		assert.Zero(t, mid.calls())
	})
	t.Run("a failure starts the next model at once", func(t *testing.T) {
		clock := routertest.NewClock(time.Now())
		cheap := &funcProvider{card: cheapCard, fn: func(context.Context, *llms.CallOptions) (*llms.ContentResponse, error) {
			return nil, routertest.ErrServer
		}}
		mid := &funcProvider{card: midCard, fn: answerWith("m")}
		r, err := llmrouter.New([]llmrouter.Provider{cheap, mid}, llmrouter.WithFallback(llmrouter.Fallback{Clock: clock, Hedge: llmrouter.Hedge{Delay: time.Hour}}))
		require.NoError(t, err)
		resp, err := r.GenerateContent(context.Background(), human("hi"))
		require.NoError(t, err)
		d, _ := llmrouter.DecisionFrom(resp)
		assert.Equal(t, []string{"cheap:provider_unavailable", "mid:ok"}, codes(d))
	})
	t.Run("hedged streams forward only the winner's chunks", func(t *testing.T) {
		before := runtime.NumGoroutine()
		clock := routertest.NewClock(time.Now())
		cheap := &funcProvider{card: cheapCard, fn: blockThen()}
		mid := &funcProvider{card: midCard, fn: answerWith("mid ", "wins")}
		r, err := llmrouter.New([]llmrouter.Provider{cheap, mid}, llmrouter.WithFallback(llmrouter.Fallback{Clock: clock, Hedge: llmrouter.Hedge{Delay: time.Second}}))
		require.NoError(t, err)
		wait := generateStreaming(r)
		require.True(t, routertest.Eventually(func() bool { return cheap.calls() == 1 }))
		require.True(t, clock.WaitForWaiters(1))
		clock.Advance(time.Second)
		_, got, err := wait()
		require.NoError(t, err)
		assert.Equal(t, []string{"mid ", "wins"}, got)
		assert.LessOrEqual(t, settleGoroutines(before), before)
	})
	t.Run("the first to stream owns the stream; the other is cancelled", func(t *testing.T) {
		clock := routertest.NewClock(time.Now())
		release := make(chan struct{})
		cheap := &funcProvider{card: cheapCard, fn: func(ctx context.Context, o *llms.CallOptions) (*llms.ContentResponse, error) {
			<-release // starts streaming only after the hedge has started
			return answerWith("cheap ", "text")(ctx, o)
		}}
		mid := &funcProvider{card: midCard, fn: blockThen()}
		r, err := llmrouter.New([]llmrouter.Provider{cheap, mid}, llmrouter.WithFallback(llmrouter.Fallback{Clock: clock, Hedge: llmrouter.Hedge{Delay: time.Second}}))
		require.NoError(t, err)
		wait := generateStreaming(r)
		require.True(t, clock.WaitForWaiters(1))
		clock.Advance(time.Second)
		require.True(t, routertest.Eventually(func() bool { return mid.calls() == 1 }))
		close(release)
		_, got, err := wait()
		require.NoError(t, err)
		assert.Equal(t, []string{"cheap ", "text"}, got)
	})
	t.Run("concurrent attempts get their own Metadata", func(t *testing.T) {
		clock := routertest.NewClock(time.Now())
		meta := map[string]any{"user": "u1"}
		read := func(o *llms.CallOptions) {
			for range o.Metadata { // a read that races with any shared write
			}
		}
		cheap := &funcProvider{card: cheapCard, fn: func(ctx context.Context, o *llms.CallOptions) (*llms.ContentResponse, error) {
			read(o)
			o.Metadata["provider-scratch"] = 1 // providers may write into it too
			<-ctx.Done()
			return nil, ctx.Err()
		}}
		mid := &funcProvider{card: midCard, fn: func(ctx context.Context, o *llms.CallOptions) (*llms.ContentResponse, error) {
			read(o)
			o.Metadata["provider-scratch"] = 2
			assert.Equal(t, "u1", o.Metadata["user"])
			assert.NotNil(t, o.Metadata["thinking_config"])
			return text("m"), nil
		}}
		r, err := llmrouter.New([]llmrouter.Provider{cheap, mid}, llmrouter.WithFallback(llmrouter.Fallback{Clock: clock, Hedge: llmrouter.Hedge{Delay: time.Second}}))
		require.NoError(t, err)
		done := make(chan error, 1)
		go func() {
			_, err := r.GenerateContent(context.Background(), human("hi"), llms.WithMetadata(meta), llms.WithThinking(&llms.ThinkingConfig{Mode: llms.ThinkingModeHigh}))
			done <- err
		}()
		require.True(t, routertest.Eventually(func() bool { return cheap.calls() == 1 }))
		require.True(t, clock.WaitForWaiters(1))
		clock.Advance(time.Second)
		require.NoError(t, <-done)
		assert.NotContains(t, meta, "provider-scratch", "attempts write into their own copies")
		assert.Equal(t, "u1", meta["user"])
	})
}

func TestHedgeDelayFromP95(t *testing.T) {
	clock := routertest.NewClock(time.Now())
	var lat []routertest.Response
	for i := 1; i <= 20; i++ {
		lat = append(lat, routertest.Response{Text: "x", Latency: time.Duration(i) * 100 * time.Millisecond})
	}
	p := routertest.NewProvider(cheapCard, lat...).WithClock(clock)
	typical := midCard
	typical.TypicalLatency = 3 * time.Second
	r, err := llmrouter.New([]llmrouter.Provider{p, routertest.NewProvider(typical)}, llmrouter.WithClock(clock),
		llmrouter.WithFallback(llmrouter.Fallback{Clock: clock, Hedge: llmrouter.Hedge{P95: true, MinSamples: 10}}))
	require.NoError(t, err)
	_, ok := r.HedgeDelay("cheap")
	assert.False(t, ok, "no samples, no delay, no typical latency")
	d, ok := r.HedgeDelay("mid")
	assert.True(t, ok)
	assert.Equal(t, 3*time.Second, d, "the card's typical latency until samples exist")
	for range 20 {
		_, err := r.GenerateContent(context.Background(), human("hi"))
		require.NoError(t, err)
		// Expire the call's hedge timer, abandoned once the first attempt
		// answered (it may be registered just after the answer).
		clock.Advance(time.Hour)
	}
	d, ok = r.HedgeDelay("cheap")
	assert.True(t, ok)
	assert.Equal(t, 1900*time.Millisecond, d, "nearest-rank p95 of 100ms..2s")
}
