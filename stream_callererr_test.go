package llmrouter_test

import (
	"context"
	"errors"
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
