package llmrouter_test

import (
	"context"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// A hedge's verification is part of the hedge: when another attempt wins
// (or stops the plan), the router cancels it as it cancels the hedge's
// call. The verifier was handed the request's context instead, so a slow
// judge of the losing answer held the winner back until it finished
// (here, one honouring only cancellation: until the caller gave up).
func TestHedgeLoserVerificationCancelled(t *testing.T) {
	for _, tc := range []struct {
		name    string
		mid     func(ctx context.Context, o *llms.CallOptions) (*llms.ContentResponse, error)
		wantErr error
		codes   []string
	}{
		{"another attempt answers", answerWith("mid"), nil, []string{"mid:ok", "cheap:canceled"}},
		{"another attempt's error stops the plan", func(context.Context, *llms.CallOptions) (*llms.ContentResponse, error) {
			return nil, routertest.ErrUnauthorized
		}, llms.ErrAuthentication, []string{"mid:authentication", "cheap:canceled"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := routertest.NewClock(time.Now())
			verifying := make(chan struct{})
			release := make(chan struct{})
			v := llmrouter.VerifierFunc(func(ctx context.Context, a *llmrouter.Answer) error {
				if a.Model != "cheap" {
					return nil
				}
				close(verifying)
				<-ctx.Done() // a judge model's call, cut short only by cancellation
				return context.Cause(ctx)
			})
			cheap := &funcProvider{card: cheapCard, fn: func(ctx context.Context, o *llms.CallOptions) (*llms.ContentResponse, error) {
				<-release
				return text("cheap"), nil
			}}
			mid := &funcProvider{card: midCard, fn: func(ctx context.Context, o *llms.CallOptions) (*llms.ContentResponse, error) {
				<-verifying // cheap's answer is being verified
				return tc.mid(ctx, o)
			}}
			sink := &lastSink{}
			r, err := llmrouter.New([]llmrouter.Provider{cheap, mid}, llmrouter.WithSink(sink),
				llmrouter.WithFallback(llmrouter.Fallback{Clock: clock, Verifier: v, Hedge: llmrouter.Hedge{Delay: time.Second}}))
			require.NoError(t, err)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			type out struct {
				resp *llms.ContentResponse
				err  error
			}
			done := make(chan out, 1)
			go func() { resp, err := r.GenerateContent(ctx, human("hi")); done <- out{resp, err} }()
			require.True(t, clock.WaitForWaiters(1))
			clock.Advance(time.Second) // mid starts beside cheap
			require.True(t, routertest.Eventually(func() bool { return mid.calls() == 1 }))
			close(release)
			var o out
			returned := routertest.Eventually(func() bool {
				select {
				case o = <-done:
					return true
				default:
					return false
				}
			})
			if !returned {
				cancel() // the router waited for the losing verification
				o = <-done
			}
			require.True(t, returned, "the call returned without the caller giving up: %v", o.err)
			if tc.wantErr != nil {
				require.ErrorIs(t, o.err, tc.wantErr)
				assert.NotErrorIs(t, o.err, llmrouter.ErrRejected, "a cancelled verification is no rejection")
			} else {
				require.NoError(t, o.err)
				assert.Equal(t, "mid", o.resp.Choices[0].Content)
			}
			assert.Equal(t, tc.codes, codes(sink.last()), sink.last().Explain())
		})
	}
}

// A verification the caller's cancellation cut short is no verdict: the
// attempt is recorded as cancelled by the caller, not as rejected with
// "context canceled" (which read as the verifier's judgement).
func TestCallerCancelDuringVerification(t *testing.T) {
	for _, hedged := range []bool{false, true} {
		ctx, cancel := context.WithCancel(context.Background())
		v := llmrouter.VerifierFunc(func(vctx context.Context, _ *llmrouter.Answer) error {
			cancel() // the caller gives up while the judge runs
			<-vctx.Done()
			return vctx.Err()
		})
		fb := llmrouter.Fallback{Verifier: v}
		if hedged {
			fb.Clock = routertest.NewClock(time.Now())
			fb.Hedge = llmrouter.Hedge{Delay: time.Hour}
		}
		sink := &lastSink{}
		r, err := llmrouter.New([]llmrouter.Provider{routertest.NewProvider(cheapCard), routertest.NewProvider(midCard)},
			llmrouter.WithFallback(fb), llmrouter.WithSink(sink))
		require.NoError(t, err)
		_, err = r.GenerateContent(ctx, human("hi"))
		require.ErrorIs(t, err, context.Canceled)
		assert.NotErrorIs(t, err, llmrouter.ErrRejected)
		d := sink.last()
		require.Len(t, d.Attempts, 1, d.Explain())
		a := d.Attempts[0]
		assert.Empty(t, a.Rejected, "hedged %v: no verdict was reached", hedged)
		assert.Equal(t, llms.ErrCodeCanceled, a.Code, "hedged %v", hedged)
	}
}
