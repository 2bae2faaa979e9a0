package llmrouter_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

var (
	err401 = errors.New("API returned unexpected status code: 401: Incorrect API key provided")
	err429 = errors.New("API returned unexpected status code: 429: Rate limit reached")
	err503 = errors.New("API returned unexpected status code: 503: overloaded")
)

// What an aggregate error matches (errors.Is) and which *llms.Error it
// gives (errors.As): the decisive failure only, and the context's errors
// only when the caller's context ended.
func TestAggregateErrorMatches(t *testing.T) {
	block := routertest.Response{Block: true}
	tests := []struct {
		name     string
		fb       llmrouter.Fallback
		scripts  [][]routertest.Response
		ctx      func() (context.Context, context.CancelFunc)
		match    []error
		notMatch []error
		as       llms.ErrorCode // the code errors.As finds; "" none
		asModel  string
	}{
		{
			name:     "a 429 then a 401: the 401 stopped the plan and decides",
			fb:       llmrouter.Fallback{MaxRetries: -1},
			scripts:  [][]routertest.Response{{fail(err429)}, {fail(err401)}},
			match:    []error{llmrouter.ErrAllFailed, llms.ErrAuthentication, err401},
			notMatch: []error{llms.ErrRateLimit, err429, context.Canceled, context.DeadlineExceeded},
			as:       llms.ErrCodeAuthentication, asModel: "mid",
		},
		{
			name:     "every model fails: the last failure decides",
			fb:       llmrouter.Fallback{MaxRetries: -1},
			scripts:  [][]routertest.Response{{fail(err429)}, {fail(err503)}, {fail(routertest.ErrContentFilter)}},
			match:    []error{llmrouter.ErrAllFailed, llms.ErrContentFilter, routertest.ErrContentFilter},
			notMatch: []error{llms.ErrRateLimit, llms.ErrProviderUnavailable, context.Canceled},
			as:       llms.ErrCodeContentFilter, asModel: "strong",
		},
		{
			name:     "attempt timeouts: a timeout, not the context's errors",
			fb:       llmrouter.Fallback{MaxRetries: -1, AttemptTimeout: time.Second},
			scripts:  [][]routertest.Response{{block}, {block}, {block}},
			match:    []error{llmrouter.ErrAllFailed, llms.ErrTimeout},
			notMatch: []error{context.DeadlineExceeded, context.Canceled, llms.ErrCanceled},
			as:       llms.ErrCodeTimeout, asModel: "strong",
		},
		{
			name:     "hedged: a 401 stops the plan, the cancelled hedge is no cause",
			fb:       llmrouter.Fallback{Hedge: llmrouter.Hedge{Delay: time.Second}},
			scripts:  [][]routertest.Response{{block}, {fail(err401)}},
			match:    []error{llmrouter.ErrAllFailed, llms.ErrAuthentication},
			notMatch: []error{context.Canceled, llms.ErrCanceled, context.DeadlineExceeded},
			as:       llms.ErrCodeAuthentication, asModel: "mid",
		},
		{
			name:     "hedged: every model fails (in any order): the last recorded decides",
			fb:       llmrouter.Fallback{Hedge: llmrouter.Hedge{Delay: time.Second, MaxExtra: 2}},
			scripts:  [][]routertest.Response{{fail(err503)}, {fail(err503)}, {fail(err503)}},
			match:    []error{llmrouter.ErrAllFailed, llms.ErrProviderUnavailable},
			notMatch: []error{context.Canceled, llms.ErrCanceled, llms.ErrRateLimit},
			as:       llms.ErrCodeProviderUnavailable,
		},
		{
			name:     "the caller cancels: context.Canceled",
			scripts:  [][]routertest.Response{{fail(err429)}, {block}},
			fb:       llmrouter.Fallback{MaxRetries: -1},
			ctx:      func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) },
			match:    []error{context.Canceled, llms.ErrCanceled, llmrouter.ErrAllFailed, llms.ErrRateLimit},
			notMatch: []error{context.DeadlineExceeded, llms.ErrTimeout},
			as:       llms.ErrCodeCanceled,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fb.Clock = routertest.NewClock(time.Now()).SetAutoAdvance(true) // timeouts and hedge delays fire at once
			r, fakes, _, sink := resilientSink(t, tt.fb, tt.scripts...)
			ctx, cancel := context.Background(), context.CancelFunc(func() {})
			if tt.ctx != nil {
				ctx, cancel = tt.ctx()
				go func() { // cancel once the second model holds the call
					routertest.Eventually(func() bool { return fakes[1].CallCount() == 1 })
					cancel()
				}()
			}
			defer cancel()
			_, err := r.GenerateContent(ctx, human("hi"))
			require.Error(t, err)
			explain := sink.last().Explain()
			for _, e := range tt.match {
				assert.ErrorIs(t, err, e, explain)
			}
			for _, e := range tt.notMatch {
				assert.NotErrorIs(t, err, e, explain)
			}
			var le *llms.Error
			require.ErrorAs(t, err, &le)
			assert.Equal(t, tt.as, le.Code, err.Error())
			if tt.asModel != "" {
				assert.Equal(t, tt.asModel, le.Provider)
			}
		})
	}
}

// The texts of the router's errors: each model named once, counts
// pluralised, ErrStreamStarted naming the model that streamed and the remedy.
func TestErrorMessages(t *testing.T) {
	stream := llms.WithStreamingFunc(func(context.Context, []byte) error { return nil })
	tests := []struct {
		name    string
		scripts [][]routertest.Response
		ctx     func() (context.Context, context.CancelFunc)
		options []llms.CallOption
		want    string
		is      []error
	}{
		{
			name:    "one attempt",
			scripts: [][]routertest.Response{{fail(err401)}},
			want:    "llmrouter: all attempts failed (1 attempt); 1. cheap [authentication]: API returned unexpected status code: 401: Incorrect API key provided",
		},
		{
			name:    "two attempts",
			scripts: [][]routertest.Response{{fail(err429)}, {fail(err401)}},
			want: "llmrouter: all attempts failed (2 attempts); 1. cheap [rate_limit]: API returned unexpected status code: 429: Rate limit reached; " +
				"2. mid [authentication]: API returned unexpected status code: 401: Incorrect API key provided",
		},
		{
			name:    "the stream failed after text",
			scripts: [][]routertest.Response{{{Chunks: []string{"partial"}, Err: err503}}},
			options: []llms.CallOption{stream},
			want: "llmrouter: stream failed after text was delivered: cheap streamed text to the caller, then failed: " +
				"[provider_unavailable] API returned unexpected status code: 503: overloaded; no fallback once text has reached the caller " +
				"(buffer the stream to allow one: Fallback.BufferStreams or Hints.BufferStream)",
			is: []error{llmrouter.ErrStreamStarted, err503, llms.ErrProviderUnavailable},
		},
		{
			name:    "the caller cancelled after one attempt",
			scripts: [][]routertest.Response{{{Block: true}}},
			ctx:     func() (context.Context, context.CancelFunc) { return context.WithCancel(context.Background()) },
			want: "llmrouter: canceled: context canceled (after 1 attempt): llmrouter: all attempts failed (1 attempt); " +
				"1. cheap [canceled]: canceled by the caller: context canceled",
			is: []error{context.Canceled},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, fakes, _, sink := resilientSink(t, llmrouter.Fallback{MaxRetries: -1}, tt.scripts...)
			ctx, cancel := context.Background(), context.CancelFunc(func() {})
			if tt.ctx != nil {
				ctx, cancel = tt.ctx()
				go func() {
					routertest.Eventually(func() bool { return fakes[0].CallCount() == 1 })
					cancel()
				}()
			}
			defer cancel()
			_, err := r.GenerateContent(ctx, human("hi"), tt.options...)
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
			d := sink.last()
			require.NotNil(t, d)
			require.NotEmpty(t, d.Attempts)
			for _, a := range d.Attempts {
				// Explain names each attempt's model and code once.
				assert.NotContains(t, d.Explain(), a.Model+": "+string(a.Code)+":")
			}
			for _, e := range tt.is {
				assert.ErrorIs(t, err, e)
			}
		})
	}
}

// A caller whose context ended before any model was called gets the same
// error as one who cancelled mid-attempt: it matches ctx.Err() and the
// llms code (canceled, or timeout for a deadline), and errors.As finds
// the *llms.Error. It used to be the bare ctx.Err(), matching neither
// llms.ErrCanceled nor llms.ErrTimeout.
func TestCallerEndedBeforeAnyAttempt(t *testing.T) {
	past := time.Now().Add(-time.Second)
	for _, tc := range []struct {
		name  string
		ctx   func() (context.Context, context.CancelFunc)
		match []error
		code  llms.ErrorCode
	}{
		{"canceled", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}, []error{context.Canceled, llms.ErrCanceled}, llms.ErrCodeCanceled},
		{"deadline", func() (context.Context, context.CancelFunc) { return context.WithDeadline(context.Background(), past) },
			[]error{context.DeadlineExceeded, llms.ErrTimeout}, llms.ErrCodeTimeout},
	} {
		for _, fb := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, fallback %v", tc.name, fb), func(t *testing.T) {
				p := routertest.NewProvider(cheapCard)
				var opts []llmrouter.Option
				if fb {
					opts = append(opts, llmrouter.WithFallback(llmrouter.Fallback{}))
				}
				r, err := llmrouter.New([]llmrouter.Provider{p}, opts...)
				require.NoError(t, err)
				ctx, cancel := tc.ctx()
				defer cancel()
				_, err = r.GenerateContent(ctx, human("hi"))
				for _, e := range tc.match {
					assert.ErrorIs(t, err, e)
				}
				var le *llms.Error
				require.ErrorAs(t, err, &le)
				assert.Equal(t, tc.code, le.Code)
				assert.Contains(t, err.Error(), "llmrouter: "+string(tc.code)+": context ")
				assert.Contains(t, err.Error(), "(no model was called)")
				assert.Zero(t, p.CallCount())
			})
		}
	}
}
