package llmrouter

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/tmc/langchaingo/llms"
)

// Sentinel errors. Match them with errors.Is.
var (
	// ErrNoProviders: New was given no providers.
	ErrNoProviders = errors.New("llmrouter: no providers")
	// ErrNoMessages: a request had no messages, or none with any content.
	ErrNoMessages = errors.New("llmrouter: no messages")
	// ErrNoCandidate: the policy removed every model. The error that
	// matches it is a *NoCandidateError listing each model and why.
	ErrNoCandidate = errors.New("llmrouter: no candidate model")
	// ErrAllFailed: every attempt of the plan failed. The error that
	// matches it is an *AllFailedError listing every attempt.
	ErrAllFailed = errors.New("llmrouter: all attempts failed")
	// ErrEmptyResponse: a provider returned no response or no choices
	// (with a nil error, or as a client's own error for a 200 with no
	// answer in it: langchaingo's "no response" from openai or anthropic,
	// whose text the attempt's error keeps), or (resilient mode, see Fallback.AllowEmptyAnswers) an answer with
	// no text, tool call or function call. The attempt's error matches it
	// and llms.ErrProviderUnavailable.
	ErrEmptyResponse = errors.New("llmrouter: empty response")
	// ErrStreamStarted is matched by the error of a streaming call that failed
	// after text had reached the caller's StreamingFunc: the router does not
	// fall back then, as the caller would see two answers spliced together
	// (unless streaming is buffered; see Fallback.BufferStreams). The error
	// names the model that streamed and how it failed, and matches that
	// failure too (errors.As gives its *llms.Error).
	ErrStreamStarted = errors.New("llmrouter: stream failed after text was delivered")
	// ErrAllCoolingDown is matched by the error of a request none of whose
	// planned models could be called because every one was cooling down (its
	// circuit breaker open). The error is a *CoolingDownError saying when the
	// first comes back.
	ErrAllCoolingDown = errors.New("llmrouter: every planned model is cooling down")
	// ErrUnknownDecision: feedback named a decision the log does not hold
	// (never recorded, or evicted as the log filled).
	ErrUnknownDecision = errors.New("llmrouter: unknown decision")
	// ErrBadModel is wrapped by every error ReadLinearClassifier returns for a
	// file that is not a valid model this build can read.
	ErrBadModel = errors.New("llmrouter: bad model file")
	// ErrPanic is matched by the error that a panic recovered by the router
	// becomes. The router recovers a panic in a provider, a verifier or an
	// error classifier, inline or in a hedge goroutine, and records it as
	// that attempt's error. A provider's panic has code
	// llms.ErrCodeProviderUnavailable, as a malformed answer has (the
	// langchaingo clients panic on some bodies that are not the answer's
	// shape, and report others as errors), so it is retried and moved past
	// like one, and counts against the model's breaker; but one raised
	// inside a caller's llms.CallOption that the provider applies (a frame
	// of the panic runs the option) is the request's: code
	// llms.ErrCodeInvalidRequest, the plan stops, no breaker counts it.
	// So is one as the router applies the options itself (Route, and
	// GenerateContent before any model): the call fails with that code and
	// no model is called. A verifier's or an
	// error classifier's has code llms.ErrCodeUnknown: the plan moves on to
	// the next model without retrying the same one; a verifier's does not
	// count against the breaker (it is no fault of the model's, whose
	// answer the breaker records as a success).
	// A panic in the caller's StreamingFunc or StreamingReasoningFunc is
	// recovered where the router calls it (a client may call it on a
	// goroutine of its own) and returned to the client as the callback's
	// error; the attempt is recorded as canceled by the caller, which no
	// breaker counts, as when the callback returns an error. A panic in
	// the analyzer, classifier or policy fails Route (and GenerateContent)
	// with an error naming the stage, and so does one in a policy's
	// StartCall hook (GenerateContent only); one in the function that
	// hook returned is logged, as a sink's is. The error's text holds the panic value
	// and the goroutine's stack.
	ErrPanic = errors.New("llmrouter: recovered panic")
	// ErrRejected is matched by the error returned when the Verifier rejected
	// every answer the router got; the error is a *RejectedError carrying the
	// last of them.
	ErrRejected = errors.New("llmrouter: every answer was rejected")
)

// NoCandidateError says why each model was removed from a request's
// candidates. It matches ErrNoCandidate.
type NoCandidateError struct {
	Candidates []Candidate
}

func (e *NoCandidateError) Error() string {
	var b strings.Builder
	b.WriteString(ErrNoCandidate.Error())
	b.WriteString(": ")
	for i, c := range e.Candidates {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(c.Model)
		b.WriteString(": ")
		if c.Removed == "" {
			b.WriteString("not selected by the policy")
		} else {
			b.WriteString(c.Removed)
		}
	}
	return b.String()
}

// Is reports whether target is ErrNoCandidate.
func (e *NoCandidateError) Is(target error) bool { return target == ErrNoCandidate }

// Reasons returns the distinct removal reasons, in model order: often one
// ("not allowed on tier …") explains the whole refusal.
func (e *NoCandidateError) Reasons() []string {
	var out []string
	for _, c := range e.Candidates {
		r := c.Removed
		if r == "" {
			r = "not selected by the policy"
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// AllFailedError lists every failed attempt of a plan. It matches
// ErrAllFailed and, through errors.Is and errors.As, the decisive failure:
// the attempt whose error stopped the plan (its action was ActionStop, e.g.
// a 401 after a 429), or else the last attempt that failed for a reason of
// the provider's. Only that one counts, because it is what a caller acts
// on: a 429 then a 401 matches llms.ErrAuthentication, not
// llms.ErrRateLimit, and errors.As(err, &llmsErr) gives its code and model
// (Provider). Every attempt stays listed in Attempts.
//
// It never matches context.Canceled or context.DeadlineExceeded: the
// router's own cancellations (hedges that lost, attempts stopped by
// another's outcome) and attempt timeouts (which match llms.ErrTimeout) are
// not the caller's. When the caller's context ended, the router returns an
// error wrapping both ctx.Err() and the AllFailedError instead.
//
// When every step of the plan was skipped (Attempt.Skipped) no model was
// called, and the text says so ("llmrouter: no model was called: every step was skipped (2
// steps); 1. mid: over the cost limit: …") rather than "all attempts
// failed"; it still matches ErrAllFailed.
type AllFailedError struct {
	Attempts []Attempt

	stopAt int // 1 + the index of the attempt that stopped the plan; 0 none
}

func (e *AllFailedError) Error() string {
	var b strings.Builder
	skipped := len(e.Attempts) > 0
	for _, a := range e.Attempts {
		skipped = skipped && a.Skipped != ""
	}
	if skipped { // no call failed: say so, and each reason once
		b.WriteString("llmrouter: no model was called: every step was skipped (")
		b.WriteString(plural(len(e.Attempts), "step"))
		b.WriteString(")")
	} else {
		b.WriteString(ErrAllFailed.Error())
		b.WriteString(" (")
		b.WriteString(plural(len(e.Attempts), "attempt"))
		b.WriteString(")")
	}
	for i, a := range e.Attempts {
		b.WriteString("; ")
		b.WriteString(strconv.Itoa(i + 1))
		b.WriteString(". ")
		b.WriteString(a.Model)
		if skipped {
			b.WriteString(": ")
			b.WriteString(a.Skipped)
			continue
		}
		if a.Code != "" {
			b.WriteString(" [")
			b.WriteString(string(a.Code))
			b.WriteString("]")
		}
		if a.Err != nil {
			b.WriteString(": ")
			b.WriteString(attemptErrText(a.Model, a.Err))
		}
	}
	return b.String()
}

// Is reports whether target is ErrAllFailed or matches the decisive
// failure (see AllFailedError); never context.Canceled or
// context.DeadlineExceeded.
func (e *AllFailedError) Is(target error) bool {
	if target == ErrAllFailed {
		return true
	}
	if target == context.Canceled || target == context.DeadlineExceeded {
		return false
	}
	c := e.decisive()
	return c != nil && errors.Is(c, target)
}

// As finds the first error in the decisive failure's chain that matches
// target (an *llms.Error, typically).
func (e *AllFailedError) As(target any) bool {
	c := e.decisive()
	return c != nil && errors.As(c, target)
}

// decisive returns the error of the attempt that stopped the plan, or else
// of the last attempt that failed for a provider's reason; nil if none did.
func (e *AllFailedError) decisive() error {
	if i := e.stopAt - 1; i >= 0 && i < len(e.Attempts) && providerCause(e.Attempts[i]) {
		return e.Attempts[i].Err
	}
	for i := len(e.Attempts) - 1; i >= 0; i-- {
		if providerCause(e.Attempts[i]) {
			return e.Attempts[i].Err
		}
	}
	return nil
}

// providerCause reports whether a's failure says something about the
// provider or the request: not a skip, not a cancellation (the caller's or
// the router's own).
func providerCause(a Attempt) bool {
	return a.Err != nil && a.Skipped == "" && a.Code != llms.ErrCodeCanceled && !routerCanceled(a.Err)
}

// streamStartedError is the error of a streaming call whose attempt failed
// after its text had reached the caller. It matches ErrStreamStarted and the
// attempt's error, except context.Canceled and context.DeadlineExceeded
// (the caller's context was alive; see AllFailedError).
type streamStartedError struct {
	model string // the model that streamed, and failed
	err   error
}

func (e *streamStartedError) Error() string {
	what := e.err.Error()
	if le, ok := e.err.(*llms.Error); ok && le.Provider == e.model {
		what = "[" + string(le.Code) + "] " + le.Message
	}
	return ErrStreamStarted.Error() + ": " + e.model + " streamed text to the caller, then failed: " + what +
		"; no fallback once text has reached the caller (buffer the stream to allow one: Fallback.BufferStreams or Hints.BufferStream)"
}

func (e *streamStartedError) Is(target error) bool {
	if target == ErrStreamStarted {
		return true
	}
	if target == context.Canceled || target == context.DeadlineExceeded {
		return false
	}
	return errors.Is(e.err, target)
}

func (e *streamStartedError) As(target any) bool { return errors.As(e.err, target) }

// attemptErrText is err's text without the model and code that the
// *llms.Error the router recorded for model would repeat.
func attemptErrText(model string, err error) string {
	if le, ok := err.(*llms.Error); ok && le.Provider == model {
		return le.Message
	}
	return err.Error()
}

// plural returns "1 attempt", "2 attempts".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func itoa(n int) string { return strconv.Itoa(n) }
