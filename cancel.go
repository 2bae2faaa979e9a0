package llmrouter

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/tmc/langchaingo/llms"
)

// The router cancels attempts of its own accord: hedges that lost to an
// answer (errHedgeLost) or to a stream that reached the caller
// (errNotStreamOwner), attempts running when another's outcome stopped the
// plan (errPlanStopped), and attempts over Fallback.AttemptTimeout. None of
// these is the caller's cancellation. The first three are recorded with
// code canceled (so the default breaker ignores them) but never pick an
// action and never appear among an AllFailedError's causes; a timeout is a
// timeout, the model's fault, and its error does not carry the context's
// Canceled (the fake clock ends an attempt's context that way).

// isRouterCancel reports whether cause is one of the router's own reasons
// for cancelling an attempt (not a timeout).
func isRouterCancel(cause error) bool {
	return cause == errHedgeLost || cause == errNotStreamOwner || cause == errPlanStopped
}

// routerCanceled reports whether an attempt's recorded error says the
// router cancelled it (see isRouterCancel).
func routerCanceled(err error) bool {
	return err != nil && (errors.Is(err, errHedgeLost) || errors.Is(err, errNotStreamOwner) || errors.Is(err, errPlanStopped))
}

// routerCancel is the recorded error of an attempt the router cancelled
// for why; err is what the provider returned.
func routerCancel(model string, why, err error) (llms.ErrorCode, error) {
	return llms.ErrCodeCanceled, &llms.Error{Code: llms.ErrCodeCanceled, Provider: model, Message: why.Error(),
		Cause: fmt.Errorf("%w (the provider returned: %v)", why, err)}
}

// callerStopped is the recorded error of an attempt that failed after
// the caller's streaming callback returned an error (its client went
// away, say): the caller stopped the stream, the model did not fail, so it
// is canceled, which no breaker counts. err, what the provider returned,
// wraps the callback's error as langchaingo's clients do.
func callerStopped(model string, err error) (llms.ErrorCode, error) {
	return llms.ErrCodeCanceled, &llms.Error{Code: llms.ErrCodeCanceled, Provider: model,
		Message: "stopped by the caller's streaming callback: " + err.Error(), Cause: err}
}

// providerCanceled is the recorded error of an attempt whose error says
// canceled (a gateway's 499 "client closed request", a client's own
// context) when neither the caller, the router nor the attempt's timeout
// cancelled anything: the provider's side gave up, a fault of the
// provider's, retried and moved on from like a dropped connection.
func providerCanceled(model string, err error) (llms.ErrorCode, error) {
	return llms.ErrCodeProviderUnavailable, &llms.Error{Code: llms.ErrCodeProviderUnavailable, Provider: model,
		Message: "cancelled on the provider's side, not by the caller: " + err.Error(), Cause: err}
}

// attemptTimeout is the recorded error of an attempt that ran over d; err
// is what the provider returned, kept as text only: it is a context error
// the timeout caused, not a cause of its own.
func attemptTimeout(model string, d time.Duration, err error) (llms.ErrorCode, error) {
	return llms.ErrCodeTimeout, &llms.Error{Code: llms.ErrCodeTimeout, Provider: model,
		Message: "attempt timed out after " + d.String() + ": " + err.Error(),
		Cause:   fmt.Errorf("%w after %s (the provider returned: %v)", errAttemptTimeout, d, err)}
}

// callerEnded is the cause of a request the caller's context ended, as an
// *llms.Error (canceled, or timeout for a deadline) wrapping ctx.Err(): it
// matches llms.ErrCanceled and context.Canceled, or llms.ErrTimeout and
// context.DeadlineExceeded, never the other pair.
func callerEnded(cause error) error {
	code := llms.ErrCodeCanceled
	if errors.Is(cause, context.DeadlineExceeded) {
		code = llms.ErrCodeTimeout
	}
	return &llms.Error{Code: code, Message: cause.Error(), Cause: cause}
}

var (
	errAttemptTimeout = errors.New("llmrouter: attempt timed out")
	// The router's own cancellations of an attempt, each its own cause so
	// that a record never claims an answer that did not exist. They are
	// classified canceled but are not the caller's cancellation: they
	// never stop the plan and never count against the model.
	errHedgeLost      = errors.New("llmrouter: another attempt answered first")
	errNotStreamOwner = errors.New("llmrouter: another attempt is streaming to the caller")
)

// withTimeout returns a context cancelled with cause errAttemptTimeout
// after d on the router's clock.
func (x *exec) withTimeout(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if x.fb.sysClock {
		return context.WithTimeoutCause(parent, d, errAttemptTimeout)
	}
	ctx, cancel := context.WithCancelCause(parent)
	done := make(chan struct{})
	fired := x.fb.clock.After(d)
	go func() {
		select {
		case <-fired:
			cancel(errAttemptTimeout)
		case <-done:
		case <-ctx.Done():
		}
	}()
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			close(done)
			cancel(context.Canceled)
		})
	}
}
