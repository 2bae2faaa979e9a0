package llmrouter

import (
	"context"
	"fmt"
	"log"
	"runtime/debug"
	"slices"

	"github.com/tmc/langchaingo/llms"
)

// panicError is a recovered panic: where it happened, its value and the
// stack of the goroutine that panicked.
type panicError struct {
	where string
	value any
	stack []byte
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
			resp, err = nil, recovered("provider "+model, v)
		}
	}()
	return p.GenerateContent(ctx, messages, opts...)
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
func providerPanicAttempt(model string, err error) (llms.ErrorCode, error) {
	return llms.ErrCodeProviderUnavailable, &llms.Error{Code: llms.ErrCodeProviderUnavailable, Provider: model, Message: err.Error(), Cause: err}
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
			out := slices.Clone(options[:i])
			for _, o := range options[i+1:] {
				if o != nil {
					out = append(out, o)
				}
			}
			return out
		}
	}
	return options
}
