package llmrouter

import (
	"context"
	"errors"
	"time"

	"github.com/llmrouter/llmrouter/internal/errclass"
	"github.com/tmc/langchaingo/llms"
)

// One attempt: a call of one model of the plan (exec.call) and the
// clock readings that time it.

// call runs one attempt of step under parent (the request's context, or a
// hedge's). It writes nothing shared but the streaming state. at, when
// set, is the attempt's start, read on the plan's clock as it was
// admitted (exec.admit) just before: one clock reading serves both. What a
// plain successful attempt does not need (a stream, a verifier, a
// failure) is out of line, so that the common path stays in a few cache
// lines.
func (x *exec) call(parent context.Context, step *Step, id int32, try int, wait time.Duration, hedged bool, at time.Time) (res result) {
	r, fb := x.r, x.fb
	card := &r.models[step.Index]
	res.step, res.id = *step, id // the attempt is written into res in place: it is copied once, into the decision (record)
	defer func() { recoverAttempt(&res, card.Name, recover()) }()
	actx, cancel := parent, context.CancelFunc(nil)
	if fb.attemptTimeout > 0 {
		actx, cancel = x.withTimeout(parent, fb.attemptTimeout)
		defer cancel()
	}
	slot, ans := x.hintSlot(actx, id) // RetryAfterTransport leaves the response's hint in slot
	opts := append(slot.opts[:0], x.options...)
	opts = append(opts, fb.modelOpts[step.Index]) // llms.WithModel(card.APIModel)
	if x.d.Hints.MaxCost > 0 || x.stream != nil {
		opts = x.extraOptions(&res, opts)
	}
	start := at
	switch {
	case !start.IsZero(): // read by admit
	case fb.sysBoth:
		start = x.now()
	default:
		start = r.now() // the router's clock, which Fallback.Clock may not be
	}
	resp, err := generate(slot, r.providers[step.Index], card.Name, x.messages, opts)
	var userErr error // the caller's streaming callback's error
	if res.sink != nil {
		userErr = res.sink.end()
	}
	a := &res.a
	a.Model, a.Reason, a.Start, a.Latency = card.Name, step.Reason, start, r.since(start)
	a.Retry, a.Wait, a.Hedged = try, wait, hedged
	if res.sink != nil && !res.sink.first.IsZero() {
		a.FirstToken = res.sink.first.Sub(start)
	}
	if err == nil {
		err = x.checkAnswer(actx, card.Name, resp)
	}
	if err == nil {
		a.Usage = r.usage(resp, &x.d.Features)
		a.Cost = card.usageCost(a.Usage)
		if fb.verifier != nil {
			resp = x.verifyAnswer(parent, actx, &res, card, ans, resp)
		}
	} else {
		x.failAttempt(parent, actx, slot, card, opts, resp, err, userErr, a)
		resp = nil
	}
	res.resp = resp
	return res
}

// extraOptions appends to opts the attempt's output limit under
// Hints.MaxCost and, when the caller streams, the callbacks of the
// attempt's sink (set in res).
//
//go:noinline
func (x *exec) extraOptions(res *result, opts []llms.CallOption) []llms.CallOption {
	if n := x.outputCap(res.id); n > 0 {
		opts = append(opts, llms.WithMaxTokens(n)) // this attempt's only: keeps it within Hints.MaxCost
	}
	if x.stream != nil {
		res.sink = &streamSink{st: x.stream, id: res.id}
		if x.caller.StreamingFunc != nil {
			opts = append(opts, llms.WithStreamingFunc(res.sink.stream))
		}
		if x.caller.StreamingReasoningFunc != nil {
			opts = append(opts, llms.WithStreamingReasoningFunc(res.sink.streamReasoning))
		}
	}
	return opts
}

// failAttempt records in a why the attempt failed with err (its
// response, if any, in failed; opts the options it was called with),
// userErr being what the caller's streaming callback returned.
//
//go:noinline
func (x *exec) failAttempt(parent, actx context.Context, slot *hintSlot, card *ModelCard, opts []llms.CallOption, failed *llms.ContentResponse, err, userErr error, a *Attempt) {
	if u, ok := usageFromResponse(failed); ok {
		// A failed call costs only what its response says it used: providers
		// do not bill rate-limited or failed requests, so none is estimated.
		a.Usage = u
		a.Cost = card.usageCost(u)
	}
	switch {
	case userErr != nil: // the caller's callback failed or panicked: the caller stopped
		a.Code, a.Err = callerStopped(card.Name, err)
	case errors.Is(err, ErrPanic):
		a.Code, a.Err = providerPanicAttempt(card.Name, err, opts)
	default:
		if errclass.NoAnswer(err) {
			err = noAnswerError{err}
		}
		a.Code, a.Err = x.classify(parent, actx, card.Name, err)
		a.Err = slot.annotate(a.Err)
	}
}

// verifyAnswer hands the attempt's accepted answer resp to the verifier
// (as ans, the attempt's own) and returns it, or nil when it failed.
//
//go:noinline
func (x *exec) verifyAnswer(parent, actx context.Context, res *result, card *ModelCard, ans *Answer, resp *llms.ContentResponse) *llms.ContentResponse {
	a := &res.a
	*ans = Answer{Model: card.Name, Messages: x.messages, Options: x.answerOpts, Response: resp}
	// Under parent, the hedge's context when hedging: a hedge the router
	// cancels has its verification cancelled too.
	rej, perr := verify(parent, x.fb.verifier, ans)
	switch {
	case perr != nil:
		a.Code, a.Err = panicAttempt(card.Name, perr)
		res.verifierPanic = true
		return nil
	case rej != nil && (x.ctx.Err() != nil || isRouterCancel(context.Cause(parent))):
		a.Code, a.Err = x.classify(parent, actx, card.Name, rej) // cut short by the caller or the router, not judged: no rejection
		return nil
	case rej != nil:
		a.Rejected = rej.Error()
		res.rej = rej
	}
	return resp
}

// now reads the plan's clock (Fallback.Clock, else the router's). When it
// and the router's are the system clock, it is the decision's time plus
// the monotonic time since: one clock read where time.Now makes two (wall
// and monotonic), and the attempts' times on the decision's timeline.
func (x *exec) now() time.Time {
	if x.fb.sysBoth {
		return x.d.Time.Add(time.Since(x.d.Time))
	}
	return x.fb.clock.Now()
}

// ended is when attempt a ended on the plan's clock: its start plus its
// latency when both clocks are the system clock (no clock read), else
// the clock read now.
func (x *exec) ended(a *Attempt) time.Time {
	if x.fb.sysBoth && !a.Start.IsZero() {
		return a.Start.Add(a.Latency)
	}
	return x.fb.clock.Now()
}
