package llmrouter

import (
	"context"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/llmrouter/llmrouter/internal/errclass"
	"github.com/tmc/langchaingo/llms"
)

// RetryAfterTransport is an [http.RoundTripper] that hands a failed
// response's retry hint to the router. langchaingo's clients drop response
// headers and keep only the status and the body's message, so without it a
// Retry-After header never reaches the router; install it in the client the
// provider wraps:
//
//	hc := &http.Client{Transport: &llmrouter.RetryAfterTransport{}}
//	llm, _ := openai.New(openai.WithHTTPClient(hc))    // likewise anthropic.WithHTTPClient, ollama.WithHTTPClient
//
// On a response with status 400 or more to a request made within a router
// attempt (the clients build requests with the context the router passes
// them), it reads, like OpenAI's and Anthropic's own SDKs, retry-after-ms
// (milliseconds) and then Retry-After, in either form: delay-seconds or an
// HTTP-date, which is taken relative to the router's clock (Fallback.Clock,
// WithClock) when the response arrives. A value that does not parse, a date
// not in the future, or a delay over 24 hours is ignored. The router uses the
// hint for that attempt's retry delay (Backoff.DelayWithHint; a wait over
// Fallback.MaxRetryWait moves to the next model) and for the model's breaker
// cooldown, unless the error's own text already carries one (see errclass.RetryAfter),
// which wins. The x-ratelimit-reset-* headers are deliberately not read: they
// say when a whole quota window refills, not when a retry may succeed, and
// the SDKs ignore them too.
//
// It never reads or buffers a body and does not change the request or the
// response. Outside a router attempt (no hint slot in the request's context)
// it only calls Base. Base nil means [http.DefaultTransport]. It is safe for
// concurrent use if Base is; the zero value and a nil pointer are ready to
// use.
type RetryAfterTransport struct {
	// Base performs the requests; nil means http.DefaultTransport.
	Base http.RoundTripper
}

// RoundTrip calls Base and, for a failed response to a request made within
// a router attempt, records the response's retry hint for that attempt.
func (t *RetryAfterTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := http.DefaultTransport
	if t != nil && t.Base != nil {
		base = t.Base
	}
	resp, err := base.RoundTrip(req)
	if resp != nil {
		if s, ok := req.Context().Value(hintSlotKey{}).(*hintSlot); ok {
			s.capture(resp)
		}
	}
	return resp, err
}

type hintSlotKey struct{}

// hintSlot is the context the router gives one attempt's provider call: the
// attempt's context plus where RetryAfterTransport leaves the hint of the
// attempt's last response. Being the context itself, and holding the
// attempt's options, it costs the attempt one allocation, not three; the
// first attempt's lives in the call's callState. A slot is never reused:
// a provider may keep the context it was given.
type hintSlot struct {
	context.Context
	clock *Clock       // the router's (resilience.clock): a pointer keeps a call's slot and response in 192 bytes
	hint  atomic.Int64 // the last response's hint in ns; 0 none

	opts [5]llms.CallOption // backs the attempt's options when they fit
}

// verifiedSlot is the hint slot of an attempt after the first under a
// verifier, with the Answer the verifier is handed (and may keep): one
// allocation for both. The first attempt's Answer is in the call's verifyState.
type verifiedSlot struct {
	hintSlot
	answer Answer
}

func newHintSlot(ctx context.Context, clock *Clock) *hintSlot {
	return &hintSlot{Context: ctx, clock: clock}
}

// hintSlot returns attempt id's slot over ctx: the exec's own for the first
// attempt, a new one for any other (hedges run at once, retries must not see
// an earlier response's hint); and, under a verifier, the attempt's own
// Answer to hand it (nil without one).
func (x *exec) hintSlot(ctx context.Context, id int32) (*hintSlot, *Answer) {
	if id != 1 {
		if x.fb.verifier == nil {
			return newHintSlot(ctx, &x.fb.clock), nil
		}
		v := new(verifiedSlot)
		v.Context, v.clock = ctx, &x.fb.clock
		return &v.hintSlot, &v.answer
	}
	s := &x.st.slot0
	s.Context, s.clock = ctx, &x.fb.clock
	return s, x.answer0
}

// Value returns the slot itself for hintSlotKey, else the parent's value.
func (s *hintSlot) Value(key any) any {
	if key == (hintSlotKey{}) {
		return s
	}
	return s.Context.Value(key)
}

// capture keeps resp's hint, replacing an earlier response's: the last
// response is the one that ended the attempt.
func (s *hintSlot) capture(resp *http.Response) {
	var d time.Duration
	if resp.StatusCode >= 400 {
		d, _ = headerRetryAfter(resp.Header, (*s.clock).Now())
	}
	s.hint.Store(int64(d))
}

// annotate returns err carrying the captured hint, when there is one and
// err's text names none (a hint in the provider's message is more precise
// than the header's whole seconds, and wins).
func (s *hintSlot) annotate(err error) error {
	d := time.Duration(s.hint.Load())
	if d <= 0 || err == nil {
		return err
	}
	if _, ok := errclass.RetryAfter(err); ok {
		return err
	}
	return &headerHintError{error: err, after: d}
}

// headerHintError is an attempt's error with the hint its response's
// headers gave; RetryAfter finds it through the RetryAfter method.
type headerHintError struct {
	error
	after time.Duration
}

func (e *headerHintError) Unwrap() error             { return e.error }
func (e *headerHintError) RetryAfter() time.Duration { return e.after }

// headerRetryAfter reads retry-after-ms, then Retry-After (delay-seconds or
// an HTTP-date relative to now), from h. It returns a delay in
// (0, errclass.MaxRetryAfterHint] or false.
func headerRetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if v := h["Retry-After-Ms"]; len(v) > 0 {
		if d, ok := headerSeconds(v[0], time.Millisecond); ok {
			return d, true
		}
	}
	v := h["Retry-After"]
	if len(v) == 0 {
		return 0, false
	}
	if d, ok := headerSeconds(v[0], time.Second); ok {
		return d, true
	}
	t, err := http.ParseTime(v[0])
	if err != nil {
		return 0, false
	}
	d := t.Sub(now)
	if d <= 0 || d > errclass.MaxRetryAfterHint {
		return 0, false
	}
	return d, true
}

// headerSeconds parses a non-negative decimal number of units ("7", "1.5"),
// spaces around allowed; signs, exponents, "inf" and "nan" are not numbers
// here. It returns a delay in (0, errclass.MaxRetryAfterHint] or false.
func headerSeconds(s string, unit time.Duration) (time.Duration, bool) {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	digits, dots := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.':
			dots++
		default:
			return 0, false
		}
	}
	if digits == 0 || dots > 1 || len(s) > 32 {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	d := v * float64(unit)
	if d <= 0 || d > float64(errclass.MaxRetryAfterHint) {
		return 0, false
	}
	return time.Duration(d), true
}
