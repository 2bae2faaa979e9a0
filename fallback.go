package llmrouter

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"strconv"
	"time"

	"github.com/llmrouter/llmrouter/breaker"
	"github.com/llmrouter/llmrouter/internal/errclass"
	"github.com/tmc/langchaingo/llms"
)

// CoolingDownError says that every model of a request's plan was cooling
// down and when the first comes back. It matches ErrAllCoolingDown.
type CoolingDownError struct {
	// Models are the plan's models that were cooling down.
	Models []string
	// Until is when the first of them accepts requests again; RetryIn is
	// Until less the time of the error.
	Until   time.Time
	RetryIn time.Duration
}

func (e *CoolingDownError) Error() string {
	return fmt.Sprintf("%s (%d model(s)); the first is back in %s (at %s)",
		ErrAllCoolingDown.Error(), len(e.Models), e.RetryIn.Round(time.Millisecond), e.Until.UTC().Format(time.RFC3339Nano))
}

// Is reports whether target is ErrAllCoolingDown.
func (e *CoolingDownError) Is(target error) bool { return target == ErrAllCoolingDown }

// RetryAfter returns how long until the first model comes back.
func (e *CoolingDownError) RetryAfter() time.Duration { return e.RetryIn }

// exec is the state of one plan execution, written only by the goroutine
// running the plan. GenerateContent keeps it on its stack (no allocation,
// no write barriers), so nothing may keep a pointer to it beyond the
// call: what attempts' streaming callbacks share is in stream, what a
// verifier may keep in a verifyState, and a hedged plan runs on a heap
// copy, whose goroutines it waits for (exec.runHedgedCopy).
type exec struct {
	r        *Router
	fb       *resilience
	d        *Decision
	ctx      context.Context
	messages []llms.MessageContent
	caller   llms.CallOptions  // the caller's options, applied
	options  []llms.CallOption // the caller's options, as given (or isolated)
	stream   *streamState      // set when the caller streams (streamseal.go)
	ids      int32             // the last attempt's id

	minWindow  int     // > 0 after a token-limit failure: skip windows ≤ it
	escQuality float64 // the rejected model's predicted quality
	rejected   *RejectedError
	stopAt     int // 1 + the index of the attempt whose action was stop

	cost *costCap // Hints.MaxCost over the attempts, once it applies (costcap.go)

	st *callState // what may outlive the call: never reused (callstate.go)
	// Under a verifier, what it is handed and may keep (verifyState): the
	// caller's options and the first attempt's Answer. Else nil.
	answerOpts *llms.CallOptions
	answer0    *Answer

	answered int           // 1 + the index of the answering model's card; 0 unknown (exec.annotate)
	latency  time.Duration // > 0: the call's Decision.Latency, known when its answer arrived (deliver)

	applied    bool // caller is set already (by route)
	escalating bool // after a rejection: only stronger models
}

// result is one attempt's outcome, made by the goroutine that ran it.
type result struct {
	step Step
	resp *llms.ContentResponse
	a    Attempt
	sink *streamSink
	id   int32
	rej  error // the verifier's rejection, if any
	// verifierPanic: the attempt failed because the verifier panicked,
	// the router's side's fault: the model's breaker records the answer
	// as the success it was.
	verifierPanic bool
}

// execute runs the plan (see Fallback for what the router does on each
// kind of failure). It never falls back after the caller's own
// cancellation, nor once streamed text has reached the caller.
func (r *Router) execute(ctx context.Context, d *Decision, messages []llms.MessageContent, options []llms.CallOption) (*llms.ContentResponse, error) {
	x := r.newExec(ctx, d, messages, options)
	return x.run()
}

func (x *exec) run() (*llms.ContentResponse, error) {
	d, c := x.d, &x.caller
	if !x.applied || c.Metadata != nil || c.StreamingFunc != nil || c.StreamingReasoningFunc != nil ||
		d.Hints.MaxCost > 0 || x.answerOpts != nil {
		if err := x.prepare(); err != nil {
			return nil, err
		}
	}
	// The attempts start empty, in the room GenerateContent allocated with
	// the Decision (newDecision) when there is some; they grow on the heap
	// past it.
	if d.Attempts == nil {
		d.Attempts = []Attempt{}
	} else {
		d.Attempts = d.Attempts[:0]
	}
	if x.fb.hedge.enabled() && len(d.Plan) > 1 {
		return x.runHedgedCopy()
	}
	return x.runSequential()
}

// prepare readies x for what a plain call does not have: options to apply
// (again, with a Metadata map), a stream, a cost cap, a verifier. It fails
// only when an option panics (applyCallerOptions).
//
//go:noinline
func (x *exec) prepare() error {
	options := x.options
	if !x.applied || x.caller.Metadata != nil {
		// Applied afresh with a Metadata map: route's copy of the map was
		// handed to the stages. Into a heap copy: an option is a function,
		// which may keep the pointer it is given, and x is on the stack.
		o := new(llms.CallOptions)
		if err := applyCallerOptions(o, options); err != nil {
			return err
		}
		x.caller = *o
	}
	if x.caller.Metadata != nil {
		// Options such as llms.WithThinking write into the Metadata map the
		// caller passed; give every application its own copy, so attempts
		// (concurrent ones when hedging) never share or re-grow it.
		x.options = []llms.CallOption{isolateMetadata(options)}
	}
	if x.caller.StreamingFunc != nil || x.caller.StreamingReasoningFunc != nil {
		// A reasoning callback gets the content chunks too (openai's
		// client): it is the caller's stream as much as StreamingFunc.
		st := &streamState{r: x.r, user: x.caller.StreamingFunc, reasoning: x.caller.StreamingReasoningFunc}
		if st.user == nil {
			st.user = discardChunk
		}
		st.buffered = x.fb.buffer || bufferRequested(x.ctx)
		st.claimed = make(chan struct{})
		x.stream = st
	}
	if x.d.Hints.MaxCost > 0 {
		x.cost = new(costCap) // before any attempt's goroutine reads it (outputCap)
	}
	if x.answerOpts != nil {
		*x.answerOpts = x.caller // a verifier's (verifyState)
	}
	return nil
}

// runHedgedCopy runs the hedged plan on a heap copy of x: the attempts'
// goroutines read the exec, and x may be on the stack. runHedged waits
// for every one of them before it returns.
//
//go:noinline
func (x *exec) runHedgedCopy() (*llms.ContentResponse, error) {
	h := new(exec)
	*h = *x
	return h.runHedged()
}

// isolateMetadata returns one option applying options as applyOptions
// does.
func isolateMetadata(options []llms.CallOption) llms.CallOption {
	return func(o *llms.CallOptions) { applyOptions(o, options) }
}

// applyOptions applies options to o in order, each followed by a step
// that gives o its own copy of a Metadata map it did not create, so that
// options writing into the map (llms.WithThinking after llms.WithMetadata)
// write into the copy, never into the caller's map, which concurrent
// requests may share. Without Metadata it costs nothing.
func applyOptions(o *llms.CallOptions, options []llms.CallOption) {
	var own uintptr
	fix := func() {
		if o.Metadata == nil {
			return
		}
		if p := reflect.ValueOf(o.Metadata).Pointer(); p != own {
			o.Metadata = maps.Clone(o.Metadata)
			own = reflect.ValueOf(o.Metadata).Pointer()
		}
	}
	fix()
	for _, opt := range options {
		if opt != nil {
			opt(o)
			fix()
		}
	}
}

func (x *exec) runSequential() (*llms.ContentResponse, error) {
	d, fb := x.d, x.fb
	for pass := 0; ; pass++ {
		var coolUntil time.Time
		var cooling []string
		called := false
		for i := range d.Plan {
			if x.ctx.Err() != nil {
				break
			}
			step := &d.Plan[i] // by pointer: a Step copied to the stack and read back at once stalls the load
			card := &x.r.models[step.Index]
			if reason := x.skipReason(step); reason != "" {
				x.skip(step, reason)
				continue
			}
			var wait time.Duration
			for try := 0; ; try++ {
				if reason := x.costReason(step, 0, 1); reason != "" {
					x.skip(step, reason)
					break
				}
				at, ok := x.admit(step, &cooling, &coolUntil)
				if !ok {
					break
				}
				called = true
				x.ids++
				x.reserveCost(x.ids)
				res := x.call(x.ctx, step, x.ids, try, wait, false, at)
				resp, a := x.record(&res)
				if a.Err == nil && a.Rejected == "" {
					return x.deliver(&res)
				}
				next, resp, err := x.afterAttempt(&res, resp, a, card, try, &wait)
				if next == planEnd {
					return resp, err
				}
				if next == planRetry {
					continue
				}
				break
			}
		}
		if !called && len(cooling) > 0 && x.ctx.Err() == nil && x.rejected == nil {
			now := fb.clock.Now()
			if fb.waitCooldown && pass == 0 && fitsDeadline(x.ctx, now, coolUntil.Sub(now), 0) {
				if err := waitFor(x.ctx, fb.clock, coolUntil.Sub(now)); err != nil {
					return nil, x.canceled(err)
				}
				continue
			}
			return nil, &CoolingDownError{Models: cooling, Until: coolUntil, RetryIn: coolUntil.Sub(now)}
		}
		break
	}
	return nil, x.failed()
}

// What the sequential plan does after an attempt that was not accepted
// (exec.afterAttempt).
const (
	planNextModel = iota // go on with the next step
	planRetry            // call the same model again
	planEnd              // return afterAttempt's response and error
)

// afterAttempt handles a sequential attempt that failed or whose answer
// the verifier rejected (res, recorded as a, on card's model, after try
// retries): it notes the action in a and says what the plan does next,
// waiting out a retry's delay (stored in *wait) first. Out of line: a
// plain call's accepted answer never comes here.
//
//go:noinline
func (x *exec) afterAttempt(res *result, resp *llms.ContentResponse, a *Attempt, card *ModelCard, try int, wait *time.Duration) (next int, _ *llms.ContentResponse, _ error) {
	d, fb := x.d, x.fb
	if a.Err == nil { // rejected
		if x.streamedBy(res.id) { // the caller saw it: keep it
			a.Next = "kept: the answer was already streamed to the caller"
			d.Answered = a.Model
			return planEnd, resp, nil
		}
		a.Next = "escalate"
		return planNextModel, nil, nil
	}
	if err := x.ctx.Err(); err != nil {
		return planEnd, nil, x.canceled(err)
	}
	if x.streamedBy(res.id) {
		a.Next = "stop: the stream had started"
		return planEnd, nil, fmtStreamStarted(card.Name, a.Err)
	}
	act := fb.action(a.Code)
	if act == ActionRetry {
		if try >= fb.maxRetries {
			a.Next = "next model: " + strconv.Itoa(try) + " retries spent"
			return planNextModel, nil, nil
		}
		hint, _ := errclass.RetryAfter(a.Err)
		delay := fb.backoff.DelayWithHint(try, hint, fb.rnd)
		now := fb.clock.Now()
		if delay > fb.maxWait {
			// One request's long Retry-After does not cool the model down
			// for everyone: the breaker counts the failure and honours the
			// hint if it trips.
			a.Next = "next model: retry in " + delay.String() + " exceeds the " + fb.maxWait.String() + " limit"
			return planNextModel, nil, nil
		}
		if !fitsDeadline(x.ctx, now, delay, fb.attemptTimeout) {
			a.Next = "next model: a retry in " + delay.String() + " would not fit the deadline"
			return planNextModel, nil, nil
		}
		a.Next = "retry in " + delay.String()
		if err := waitFor(x.ctx, fb.clock, delay); err != nil {
			return planEnd, nil, x.canceled(err)
		}
		*wait = delay
		return planRetry, nil, nil
	}
	if stop := x.afterFailure(act, a, card); stop {
		return planEnd, nil, x.failed()
	}
	return planNextModel, nil, nil
}

// afterFailure notes the action after a failed attempt (not a retry) in a
// and the exec state; it reports whether to stop.
func (x *exec) afterFailure(act Action, a *Attempt, card *ModelCard) (stop bool) {
	switch act {
	case ActionStop:
		a.Next = "stop"
		x.stopAt = len(x.d.Attempts) // a is the last attempt recorded
		return true
	case ActionNextLarger:
		if card.ContextWindow > 0 {
			x.minWindow = max(x.minWindow, card.ContextWindow)
			a.Next = "next model with a context window over " + strconv.Itoa(card.ContextWindow)
		} else {
			a.Next = "next model (this model's context window is unknown)"
		}
	default:
		a.Next = "next model"
	}
	return false
}

// skipReason says why step must not be called now, or "": inline, before
// any failure or rejection.
func (x *exec) skipReason(step *Step) string {
	if x.minWindow <= 0 && !x.escalating {
		return ""
	}
	return x.skipAfterFailure(step)
}

func (x *exec) skipAfterFailure(step *Step) string {
	card := &x.r.models[step.Index]
	if x.minWindow > 0 && card.ContextWindow > 0 && card.ContextWindow <= x.minWindow {
		return "context window " + strconv.Itoa(card.ContextWindow) + " is not larger than the " +
			strconv.Itoa(x.minWindow) + " that was exceeded"
	}
	if x.escalating {
		c := x.d.Candidates[step.Index]
		if !(c.Quality > x.escQuality) {
			return fmt.Sprintf("not stronger than the rejected answer's model (predicted quality %.2f ≤ %.2f)", c.Quality, x.escQuality)
		}
	}
	return ""
}

// skip records that step's model was not called, and why. The attempt's
// Err says so too, so that an AllFailedError lists the reason.
func (x *exec) skip(step *Step, reason string) {
	x.d.Attempts = append(x.d.Attempts, Attempt{Model: step.Model, Reason: step.Reason, Start: x.r.now(),
		Skipped: reason, Err: errors.New("llmrouter: not called: " + reason)})
}

// admit asks the step's breaker whether the model may be called now. If
// not, it records the skip, adds the model to cooling and keeps in
// coolUntil the earliest time any cooling model comes back. If so, at is
// the time it read when that may serve as the attempt's start (exec.call):
// the plan's clock and the router's are one, and no cost reservation
// comes between; else zero.
func (x *exec) admit(step *Step, cooling *[]string, coolUntil *time.Time) (at time.Time, ok bool) {
	b := x.breaker(step.Index)
	if b == nil {
		return time.Time{}, true
	}
	now := x.now()
	ok, until := b.Allow(now)
	if ok {
		if x.fb.sysBoth && !(x.d.Hints.MaxCost > 0) { // nothing waits between here and the call (reserveCost)
			at = now
		}
		return at, true
	}
	x.skip(step, "cooling down until "+until.UTC().Format(time.RFC3339Nano))
	*cooling = append(*cooling, step.Model)
	if coolUntil.IsZero() || until.Before(*coolUntil) {
		*coolUntil = until
	}
	return time.Time{}, false
}

func (x *exec) breaker(index int) *breaker.Breaker {
	if x.fb.breakers == nil {
		return nil
	}
	return x.fb.breakers[index]
}

// record appends res's attempt to the decision, sums its usage and cost,
// feeds the breaker and the latency ring, and handles a rejection. It
// returns the response and the recorded attempt (valid until the next
// record).
func (x *exec) record(res *result) (*llms.ContentResponse, *Attempt) {
	d, fb := x.d, x.fb
	d.Attempts = append(d.Attempts, res.a)
	a := &d.Attempts[len(d.Attempts)-1]
	d.Usage.InputTokens += a.Usage.InputTokens
	d.Usage.OutputTokens += a.Usage.OutputTokens
	d.Usage.CachedInputTokens += a.Usage.CachedInputTokens
	d.Usage.CacheWriteTokens += a.Usage.CacheWriteTokens
	d.Usage.Estimated = d.Usage.Estimated || a.Usage.Estimated
	d.Cost += a.Cost
	x.settleCost(res.id, a)
	if b := x.breaker(res.step.Index); b != nil {
		err := a.Err
		if res.verifierPanic {
			err = nil // the model answered: a success to its breaker (and a half-open probe's slot freed)
		}
		b.Record(x.ended(a), err)
	}
	if a.Err == nil && fb.latency != nil {
		fb.latency[res.step.Index].add(a.Latency)
	}
	if res.rej != nil {
		x.noteRejection(res, a)
	}
	return res.resp, a
}

// noteRejection keeps the verifier's rejection of res (recorded as a) and
// turns the plan to escalation.
//
//go:noinline
func (x *exec) noteRejection(res *result, a *Attempt) {
	q := x.d.Candidates[res.step.Index].Quality
	if x.rejected == nil || !x.escalating || q >= x.escQuality {
		x.rejected = &RejectedError{Model: a.Model, Response: res.resp, Reason: res.rej, Decision: x.d}
	}
	x.escalating = true
	x.escQuality = max(x.escQuality, q)
}

// deliver returns the accepted answer of res, flushing its buffered chunks
// to the caller first.
func (x *exec) deliver(res *result) (*llms.ContentResponse, error) {
	if res.sink != nil && x.streamBuffered() {
		for _, c := range res.sink.chunks {
			if err := x.stream.callUser(x.ctx, c); err != nil {
				return nil, err
			}
		}
	}
	a := &res.a
	x.d.Answered, x.answered = a.Model, res.step.Index+1
	if x.fb.sysBoth && res.sink == nil && x.fb.verifier == nil {
		// Nothing of the call's ran after the attempt's end: the call's
		// latency is known without another clock reading. a.Start is on
		// the decision's timeline (exec.now).
		x.latency = a.Start.Sub(x.d.Time) + a.Latency
	}
	return res.resp, nil
}

// classify turns an attempt's error into its code and the error to record:
// an *llms.Error (so errors.Is(err, llms.ErrRateLimit) works) naming the
// model, with the provider's error as its cause.
func (x *exec) classify(parent, actx context.Context, model string, err error) (llms.ErrorCode, error) {
	wrap := func(code llms.ErrorCode, msg string) (llms.ErrorCode, error) {
		return code, &llms.Error{Code: code, Provider: model, Message: msg, Cause: err}
	}
	switch {
	case x.ctx.Err() != nil:
		return wrap(llms.ErrCodeCanceled, "canceled by the caller: "+err.Error())
	case parent.Err() != nil && isRouterCancel(context.Cause(parent)):
		return routerCancel(model, context.Cause(parent), err)
	case errors.Is(err, errNotStreamOwner):
		return routerCancel(model, errNotStreamOwner, err)
	case actx.Err() != nil && context.Cause(actx) == errAttemptTimeout:
		return attemptTimeout(model, x.fb.attemptTimeout, err)
	}
	le := errclass.ClassifyWith(x.r.errClassifier, model, err)
	if le.Code == llms.ErrCodeCanceled && x.r.errClassifier == nil {
		return providerCanceled(model, err)
	}
	return le.Code, le
}

// canceled is the error for the caller's cancellation (cause) after the
// attempts so far.
func (x *exec) canceled(cause error) error {
	n := 0
	for _, a := range x.d.Attempts {
		if a.Skipped == "" {
			n++
		}
	}
	if n == 0 {
		return fmt.Errorf("llmrouter: %w (no model was called)", callerEnded(cause)) // matches cause and its llms code, as below
	}
	return fmt.Errorf("llmrouter: %w (after %s): %w", callerEnded(cause), plural(n, "attempt"), &AllFailedError{Attempts: x.d.Attempts, stopAt: x.stopAt})
}

// failed is the error after the plan ended without an accepted answer.
func (x *exec) failed() error {
	if err := x.ctx.Err(); err != nil {
		return x.canceled(err)
	}
	if x.rejected != nil {
		return x.rejected
	}
	return &AllFailedError{Attempts: x.d.Attempts, stopAt: x.stopAt}
}

func fmtStreamStarted(model string, err error) error {
	return &streamStartedError{model: model, err: err}
}
