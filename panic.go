package llmrouter

import (
	"context"
	"fmt"
	"log"
	"reflect"
	"runtime"
	"runtime/debug"
	"slices"

	"github.com/tmc/langchaingo/llms"
)

// panicError is a recovered panic: where it happened, its value and the
// stack of the goroutine that panicked (for a provider's, its program
// counters too).
type panicError struct {
	where string
	value any
	stack []byte
	pcs   []uintptr
}

func (e *panicError) Error() string {
	return fmt.Sprintf("%s panicked: %v\n%s", e.where, e.value, e.stack)
}

// Is reports whether target is ErrPanic.
func (e *panicError) Is(target error) bool { return target == ErrPanic }

// Unwrap returns the panic value when it is an error.
func (e *panicError) Unwrap() error {
	err, _ := e.value.(error)
	return err
}

// recovered turns a recover() value into an error, or nil when there was
// no panic. Call it directly from a deferred function.
func recovered(where string, v any) error {
	if v == nil {
		return nil
	}
	return &panicError{where: where, value: v, stack: debug.Stack()}
}

// generate calls p, turning its panic into an error (the caller's
// streaming callbacks' panics are recovered where the router calls them:
// exec.callUser).
func generate(ctx context.Context, p Provider, model string, messages []llms.MessageContent, opts []llms.CallOption) (resp *llms.ContentResponse, err error) {
	defer func() {
		if v := recover(); v != nil { // the name is built only on a panic
			resp, err = nil, providerPanic(model, v)
		}
	}()
	return p.GenerateContent(ctx, messages, opts...)
}

// providerPanic is recovered for a provider's panic, with the program
// counters of the panicking goroutine (panicError.inOption reads them).
// Call it from generate's deferred function only.
func providerPanic(model string, v any) error {
	e := recovered("provider "+model, v).(*panicError)
	var pcs [64]uintptr
	e.pcs = slices.Clone(pcs[:runtime.Callers(3, pcs[:])]) // from the panicking frames up
	return e
}

// generateEntry is where generate's code starts: inOption looks no
// further down the stack. Set by init (generate refers to it, through
// providerPanic's callers).
var generateEntry uintptr

func init() { generateEntry = reflect.ValueOf(generate).Pointer() }

// inOption reports whether the provider's panic e was raised inside one of
// opts (or in a function it called): whether a frame between the panic
// and generate runs one of them. The caller's options are the request's:
// an option that panics when the provider applies it would on every model
// (the router's own application of them, on the caller's goroutine before
// any model, did not panic, or the call would not be here). Only the
// innermost 64 frames are read; an option that is a method value has no
// code of its own to find and is not recognised.
func (e *panicError) inOption(opts []llms.CallOption) bool {
	if len(e.pcs) == 0 {
		return false
	}
	frames := runtime.CallersFrames(e.pcs)
	for {
		f, more := frames.Next()
		if f.Entry == generateEntry {
			return false
		}
		for _, o := range opts {
			if o != nil && f.Entry != 0 && f.Entry == reflect.ValueOf(o).Pointer() {
				return true
			}
		}
		if !more {
			return false
		}
	}
}

// verify runs v on a, turning a panic into panicked.
func verify(ctx context.Context, v Verifier, a *Answer) (rejection, panicked error) {
	defer func() {
		if e := recovered("verifier", recover()); e != nil {
			rejection, panicked = nil, e
		}
	}()
	return v.Verify(ctx, a), nil
}

// panicAttempt is the attempt error for a recovered panic outside the
// provider (a verifier, an error classifier, a token counter): code
// unknown, never reclassified (a stack's text would match the
// classifier's phrases).
func panicAttempt(model string, err error) (llms.ErrorCode, error) {
	return llms.ErrCodeUnknown, &llms.Error{Code: llms.ErrCodeUnknown, Provider: model, Message: err.Error(), Cause: err}
}

// providerPanicAttempt is the attempt error for a panic recovered from a
// provider's GenerateContent: provider unavailable, like a malformed
// answer, never reclassified. langchaingo's clients panic on bodies a
// little differently wrong from those they report as errors (openai's
// {"choices":[null]} where its null is "empty response", anthropic's null
// where a body that is not JSON is a decoding error), and the router
// cannot tell such a panic from a bug of the provider's own, which a retry
// meets again: it retries both, as it retries a 5xx, and the breaker
// counts each try, so a provider that always panics is cooled down after
// Breaker's consecutive failures.
//
// A panic raised inside one of the attempt's options (opts, which the
// provider applies) is the request's: invalid request (the plan stops; no
// breaker counts it), as the option fails the same way on every model.
func providerPanicAttempt(model string, err error, opts []llms.CallOption) (llms.ErrorCode, error) {
	if pe, ok := err.(*panicError); ok && pe.inOption(opts) {
		return llms.ErrCodeInvalidRequest, &llms.Error{Code: llms.ErrCodeInvalidRequest, Provider: model,
			Message: "a call option panicked as the provider applied it: " + err.Error(), Cause: err}
	}
	return llms.ErrCodeProviderUnavailable, &llms.Error{Code: llms.ErrCodeProviderUnavailable, Provider: model, Message: err.Error(), Cause: err}
}

// applyCallerOptions applies the caller's options as applyOptions does,
// and returns a panic in one as the request's error (invalid request,
// matching ErrPanic) instead of raising it on the caller's goroutine: an
// option that panics would panic on every model alike.
func applyCallerOptions(o *llms.CallOptions, options []llms.CallOption) (err error) {
	defer func() {
		if v := recover(); v != nil {
			e := recovered("a call option", v)
			err = &llms.Error{Code: llms.ErrCodeInvalidRequest, Message: "llmrouter: " + e.Error(), Cause: e}
		}
	}()
	applyOptions(o, options)
	return nil
}

// recoverAttempt, deferred by exec.call, turns a panic anywhere else in
// the attempt (an error classifier, a token counter) into the attempt's
// error, so that a hedge goroutine never dies.
func recoverAttempt(res *result, model string, v any) {
	if v != nil {
		e := recovered("attempt of "+model, v)
		res.a = Attempt{} // what the attempt wrote before the panic is not kept
		res.resp, res.rej = nil, nil
		res.a.Model, res.a.Reason = model, res.step.Reason
		res.a.Code, res.a.Err = panicAttempt(model, e)
	}
}

func analyzeRequest(a Analyzer, req *Request, f *Features) (err error) {
	defer func() { err = recovered("analyzer", recover()) }()
	a.Analyze(req, f)
	return nil
}

func classifyRequest(ctx context.Context, c Classifier, f *Features, models []ModelCard, p *Prediction) (err error) {
	defer func() {
		if e := recovered("classifier", recover()); e != nil {
			err = e
		}
	}()
	return c.Classify(ctx, f, models, p)
}

func applyPolicy(p Policy, rt *Routing) (err error) {
	defer func() {
		if e := recovered("policy", recover()); e != nil {
			err = e
		}
	}()
	return p.Apply(rt)
}

// recordDecision hands d to every sink. A sink's panic is recovered and
// logged with its stack through the standard log package (as net/http
// logs a handler's panic): it neither reaches the caller, whose call has
// its own outcome, nor keeps the later sinks from the decision.
func (r *Router) recordDecision(ctx context.Context, d *Decision) {
	for _, s := range r.sinks {
		recordOne(ctx, s, d)
	}
}

// contextSink is the optional form of a Sink described in Sink's doc.
type contextSink interface {
	RecordContext(ctx context.Context, d *Decision)
}

func recordOne(ctx context.Context, s Sink, d *Decision) {
	defer func() {
		if v := recover(); v != nil {
			log.Printf("llmrouter: sink %T panicked on decision %s: %v\n%s", s, d.ID, v, debug.Stack())
		}
	}()
	if cs, ok := s.(contextSink); ok {
		cs.RecordContext(ctx, d)
		return
	}
	s.Record(d)
}

// withoutNil returns options without its nil entries, copying only when
// there are some: clients such as langchaingo's openai call every option.
func withoutNil(options []llms.CallOption) []llms.CallOption {
	for i, o := range options {
		if o == nil {
			return dropNil(options, i)
		}
	}
	return options
}

// dropNil is withoutNil's copy, from the first nil entry at i: out of
// line, as callers rarely pass one.
//
//go:noinline
func dropNil(options []llms.CallOption, i int) []llms.CallOption {
	out := slices.Clone(options[:i])
	for _, o := range options[i+1:] {
		if o != nil {
			out = append(out, o)
		}
	}
	return out
}
