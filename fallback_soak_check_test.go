package llmrouter_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/tmc/langchaingo/llms"
)

// The invariants both soaks check on every request; each violation is
// tallied under its kind and fails the test.
const (
	vEmpty        = "success: empty answer"
	vTruncated    = "success: truncated or not the request's text"
	vUnbufStream  = "unbuffered stream: delivered text differs from the answer"
	vUnbufErr     = "unbuffered stream: text delivered, error not ErrStreamStarted"
	vBufStream    = "buffered stream: delivered other than the answer's chunks"
	vCanceled     = "errors.Is(err, context.Canceled), caller did not cancel"
	vDeadline     = "errors.Is(err, DeadlineExceeded), caller deadline not passed"
	vHedgedStream = "hedged stream with no injected fault failed"
	vUnknown      = "attempt classified unknown"
	vRetryEarly   = "retried sooner than Retry-After asked"
	vRetryLate    = "retry waited longer than Retry-After asked"
	// vRetryUnrecorded: the server saw a retry after a 429 the router
	// received, and the router's record of the request has no retry.
	vRetryUnrecorded = "retry after a 429 not in the router's record"
)

// The stages at which a soak request's caller cancels its own context.
const (
	cancelBefore     = "cancelled before the call"
	cancelFirstChunk = "cancelled at the first streamed chunk"
	cancelTimer      = "cancelled after a random delay"
	cancelDeadline   = "caller deadline"
)

// soakReq is one soak request: how its caller makes it, what the caller
// saw, and what the providers did for it.
type soakReq struct {
	id       int
	prompt   string
	hedged   bool
	stream   bool
	buffered bool
	cancel   string // one of the cancel stages, or ""

	mu     sync.Mutex
	chunks []string // what reached the caller's StreamingFunc
	faults []string // per provider call: the injected fault, "" for none
	slow   bool     // a call without a fault ran into its attempt timeout
}

type soakKey struct{}

// soakReqFrom returns the request a provider call belongs to, or nil.
func soakReqFrom(ctx context.Context) *soakReq {
	rq, _ := ctx.Value(soakKey{}).(*soakReq)
	return rq
}

func (q *soakReq) noteCall(fault string) {
	q.mu.Lock()
	q.faults = append(q.faults, fault)
	q.mu.Unlock()
}

// noteCut records that a call without a fault of q was ended by its context:
// by the attempt timeout (the machine was too slow), unless the caller's
// own deadline explains it.
func (q *soakReq) noteCut(ctx context.Context) {
	if q.cancel == "" && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		q.mu.Lock()
		q.slow = true
		q.mu.Unlock()
	}
}

func (q *soakReq) delivered() string {
	q.mu.Lock()
	defer q.mu.Unlock()
	return strings.Join(q.chunks, "")
}

// healthy reports whether q's provider calls, at least one, met no fault.
func (q *soakReq) healthy() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.faults) == 0 || q.slow {
		return false
	}
	for _, f := range q.faults {
		if f != "" {
			return false
		}
	}
	return true
}

// newSoakReq draws request id's shape from a source seeded by id, so each
// request is made the same way on every run: a quarter stream (half of
// those buffered), odd ids go to the hedging router, and cancelShare of
// them cancel themselves at a random stage.
func newSoakReq(id int, cancelShare float64) *soakReq {
	rq := &soakReq{id: id, prompt: fmt.Sprintf("request req-%d", id), hedged: id%2 == 1,
		stream: id%4 >= 2, buffered: id%8 >= 6}
	rng := rand.New(rand.NewPCG(uint64(id), 0x50a4))
	if rng.Float64() < cancelShare {
		stages := []string{cancelBefore, cancelFirstChunk, cancelTimer, cancelDeadline}
		rq.cancel = stages[rng.IntN(len(stages))]
		if rq.cancel == cancelFirstChunk && !rq.stream {
			rq.cancel = cancelTimer
		}
	}
	return rq
}

// soakCall makes rq's call through r under the caller's own context (which
// cancels itself as rq says, after up to maxDelay for the timed stages) and
// returns the response, the error, and the caller's context error at the
// moment the call returned.
func soakCall(r *llmrouter.Router, rq *soakReq, maxDelay time.Duration) (*llms.ContentResponse, error, error) {
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), soakKey{}, rq))
	defer cancel()
	rng := rand.New(rand.NewPCG(uint64(rq.id), 0xde1a))
	delay := time.Duration(rng.Int64N(int64(maxDelay)))
	switch rq.cancel {
	case cancelBefore:
		cancel()
	case cancelTimer:
		defer time.AfterFunc(delay, cancel).Stop()
	case cancelDeadline:
		var c context.CancelFunc
		ctx, c = context.WithTimeout(ctx, delay)
		defer c()
	}
	if rq.buffered {
		ctx = llmrouter.WithHints(ctx, llmrouter.Hints{BufferStream: true})
	}
	var opts []llms.CallOption
	if rq.stream {
		opts = append(opts, llms.WithStreamingFunc(func(_ context.Context, c []byte) error {
			if len(c) == 0 {
				return nil
			}
			rq.mu.Lock()
			rq.chunks = append(rq.chunks, string(c))
			rq.mu.Unlock()
			if rq.cancel == cancelFirstChunk {
				cancel()
			}
			return nil
		}))
	}
	resp, err := r.GenerateContent(ctx, human(rq.prompt), opts...)
	return resp, err, ctx.Err()
}

// soakChecker tallies invariant violations by kind, with a few examples.
type soakChecker struct {
	kinds   []string
	mu      sync.Mutex
	counts  map[string]int
	samples map[string][]string
}

func newSoakChecker(kinds ...string) *soakChecker {
	return &soakChecker{kinds: kinds, counts: map[string]int{}, samples: map[string][]string{}}
}

func (v *soakChecker) add(kind, format string, args ...any) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.counts[kind]++
	if len(v.samples[kind]) < 3 {
		v.samples[kind] = append(v.samples[kind], fmt.Sprintf(format, args...))
	}
}

// report logs every kind's count, zeros included, and fails t for each
// kind that was violated, with examples.
func (v *soakChecker) report(t *testing.T) {
	t.Helper()
	v.mu.Lock()
	defer v.mu.Unlock()
	var b strings.Builder
	for _, k := range v.kinds {
		fmt.Fprintf(&b, "\n  %-58s %7d", k, v.counts[k])
	}
	t.Logf("invariant violations:%s", b.String())
	for _, k := range v.kinds {
		if n := v.counts[k]; n > 0 {
			t.Errorf("%s: %d violation(s), e.g.\n    %s", k, n, strings.Join(v.samples[k], "\n    "))
		}
	}
}

// checkAttempts flags attempts whose error was not classified.
func (v *soakChecker) checkAttempts(d *llmrouter.Decision) {
	for _, a := range d.Attempts {
		if a.Err != nil && a.Skipped == "" && (a.Code == "" || a.Code == llms.ErrCodeUnknown) {
			v.add(vUnknown, "%s: %v", a.Model, a.Err)
		}
	}
}

// check applies the invariants to rq's outcome. The answer a model gives
// is its name, ": " and the prompt, whole. It reports whether the answer
// was one the verifier rejected but that had already been streamed.
func (v *soakChecker) check(rq *soakReq, resp *llms.ContentResponse, err, callerErr error) (kept bool) {
	delivered := rq.delivered()
	if err == nil {
		got := resp.Choices[0].Content
		d, _ := llmrouter.DecisionFrom(resp)
		// Only text already streamed to the caller may be kept once rejected.
		kept = keptAnswer(d) && rq.stream && !rq.buffered
		switch want := d.Answered + ": " + rq.prompt; {
		case kept:
		case strings.TrimSpace(got) == "":
			v.add(vEmpty, "request %d: %q from %s", rq.id, got, d.Answered)
		case got != want:
			v.add(vTruncated, "request %d: %q from %s, want %q", rq.id, got, d.Answered, want)
		}
		switch {
		case rq.stream && !rq.buffered && delivered != got:
			v.add(vUnbufStream, "request %d: streamed %q, answered %q", rq.id, delivered, got)
		case rq.buffered && delivered != got:
			v.add(vBufStream, "request %d: streamed %q, answered %q", rq.id, delivered, got)
		}
		return kept
	}
	if rq.buffered && delivered != "" {
		v.add(vBufStream, "request %d: streamed %q, then failed: %v", rq.id, delivered, err)
	}
	if rq.stream && !rq.buffered && delivered != "" && callerErr == nil && !errors.Is(err, llmrouter.ErrStreamStarted) {
		v.add(vUnbufErr, "request %d: streamed %q, then failed: %v", rq.id, delivered, err)
	}
	if errors.Is(err, context.Canceled) && !errors.Is(callerErr, context.Canceled) {
		v.add(vCanceled, "request %d (caller: %v): %v", rq.id, callerErr, err)
	}
	if errors.Is(err, context.DeadlineExceeded) && !errors.Is(callerErr, context.DeadlineExceeded) {
		v.add(vDeadline, "request %d (caller: %v): %v", rq.id, callerErr, err)
	}
	if rq.hedged && rq.stream && rq.cancel == "" && rq.healthy() && !timedOut(err) {
		v.add(vHedgedStream, "request %d (buffered %v): %v", rq.id, rq.buffered, err)
	}
	return false
}

// timedOut reports whether an attempt of the failed request timed out:
// without an injected fault, the machine was too slow for the attempt
// timeout, which says nothing of the router.
func timedOut(err error) bool {
	var af *llmrouter.AllFailedError
	if errors.As(err, &af) {
		for _, a := range af.Attempts {
			if a.Code == llms.ErrCodeTimeout {
				return true
			}
		}
	}
	return errors.Is(err, llms.ErrTimeout)
}

// keptAnswer reports whether the answer returned is one the verifier
// rejected but that had already been streamed to the caller.
func keptAnswer(d *llmrouter.Decision) bool {
	for _, a := range d.Attempts {
		if a.Model == d.Answered && a.Rejected != "" && strings.HasPrefix(a.Next, "kept") {
			return true
		}
	}
	return false
}

// errorKind names the kind of a soak request's error for the tallies.
func errorKind(err, callerErr error) string {
	var af *llmrouter.AllFailedError
	switch {
	case callerErr != nil && errors.Is(err, callerErr):
		return "error: the caller's own " + callerErr.Error()
	case errors.Is(err, llmrouter.ErrStreamStarted):
		return "error: stream failed after text (ErrStreamStarted)"
	case errors.Is(err, llmrouter.ErrAllCoolingDown):
		return "error: every model cooling down (ErrAllCoolingDown)"
	case errors.Is(err, llmrouter.ErrRejected):
		return "error: every answer rejected (ErrRejected)"
	case errors.As(err, &af):
		return "error: all failed, " + ending(af)
	}
	return ""
}
