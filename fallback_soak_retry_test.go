package llmrouter_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/internal/openaitest"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/openai"
)

// soakAttempts is a Sink keeping each soak request's attempts by the
// request's key (its prompt), for checkRetryAfter. Safe for concurrent use.
type soakAttempts struct {
	mu sync.Mutex
	by map[string][]llmrouter.Attempt
}

func newSoakAttempts() *soakAttempts { return &soakAttempts{by: map[string][]llmrouter.Attempt{}} }

// Record is not called: the router prefers RecordContext.
func (s *soakAttempts) Record(*llmrouter.Decision) {}

// RecordContext keeps d's attempts under the key of the soak request ctx
// belongs to.
func (s *soakAttempts) RecordContext(ctx context.Context, d *llmrouter.Decision) {
	if rq := soakReqFrom(ctx); rq != nil {
		s.put(rq.prompt, d.Attempts)
	}
}

func (s *soakAttempts) put(key string, as []llmrouter.Attempt) {
	s.mu.Lock()
	s.by[key] = slices.Clone(as)
	s.mu.Unlock()
}

func (s *soakAttempts) get(key string) []llmrouter.Attempt {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.by[key]
}

// checkRetryAfter applies the Retry-After invariants to the requests the
// server of model recorded, in arrival order, tallying what it saw in
// tally. After a 429 with Retry-After that the router received, the
// request's next call of the same model arrives no sooner than the 429
// asked (10ms of slack): a loaded machine only delays a retry, so this
// holds on any machine. That it is not late is checked on what the router
// decided, not on when the retry arrived (which a loaded machine delays
// without bound): the retry's recorded Wait is no longer than the 429
// asked, NotBefore less the time the server read the request (1ms of
// slack for the two readings of the wall clock an HTTP-date compares);
// that the router waits its Wait on its Clock is checked on a fake clock
// (TestRetryAfterHeaderOpenAI). A retry the router's record does not show
// is flagged. A 429 the router's record shows it did not receive (the
// attempt during which the server read the request ended without a rate
// limit or a hint: on a loaded machine, the server got to it after the
// attempt had timed out) asked the router for nothing and is tallied, not
// checked; with no record, it is checked.
func checkRetryAfter(v *soakChecker, model string, reqs []openaitest.Request, attempts *soakAttempts, tally map[string]int) {
	type received struct {
		r       openaitest.Request
		attempt int // the index of the attempt that received r's 429; -1: no record
	}
	pending := map[string]received{} // a 429 with Retry-After the router received, awaiting its retry
	for _, r := range reqs {
		if p, ok := pending[r.Key()]; ok {
			delete(pending, r.Key())
			tally["retried on the same model after "+p.r.Fault]++
			if early := p.r.NotBefore.Sub(r.Arrived); early > 10*time.Millisecond {
				v.add(vRetryEarly, "%s on %s: retried %s before the time its %s asked",
					r.Key(), model, early.Round(time.Millisecond), p.r.Fault)
			}
			asked := p.r.NotBefore.Sub(p.r.Arrived)
			switch wait, ok := retryWait(model, p.attempt, attempts.get(r.Key())); {
			case !ok:
				v.add(vRetryUnrecorded, "%s on %s: the server saw a retry after its %s; the router's record shows none",
					r.Key(), model, p.r.Fault)
			case wait > asked+time.Millisecond:
				v.add(vRetryLate, "%s on %s: waited %s where its %s asked for %s",
					r.Key(), model, wait, p.r.Fault, asked.Round(time.Millisecond))
			}
		}
		if r.NotBefore.IsZero() {
			continue
		}
		i, why := receivedBy(model, r, attempts.get(r.Key()))
		if why != "" {
			tally["not received by the router after "+r.Fault+" ("+why+")"]++
			continue
		}
		pending[r.Key()] = received{r: r, attempt: i}
	}
	for _, p := range pending {
		tally["not retried on the same model after "+p.r.Fault]++
	}
}

// retryWait returns the Wait the router recorded for its next call of
// model after attempts[i] (the one that received a 429), and false when
// the record shows no such call.
func retryWait(model string, i int, attempts []llmrouter.Attempt) (time.Duration, bool) {
	if i < 0 {
		return 0, false
	}
	for _, a := range attempts[i+1:] {
		if a.Model == model && a.Skipped == "" {
			return a.Wait, true
		}
	}
	return 0, false
}

// receivedBy returns the index in attempts of the attempt of model that
// received the 429 the server read at r.Arrived (-1 with no record of
// it), or why the attempts show that the router did not receive it. The
// router received it if an attempt of model running then failed with a
// rate limit, or with an error carrying a hint (RetryAfterTransport read
// the headers, though the attempt ended otherwise). The reason names the
// last failed attempt of model started by then: the one whose request the
// server got to late.
func receivedBy(model string, r openaitest.Request, attempts []llmrouter.Attempt) (int, string) {
	var failed *llmrouter.Attempt
	var hinted interface{ RetryAfter() time.Duration }
	for i := range attempts {
		a := &attempts[i]
		if a.Model != model || a.Skipped != "" || a.Start.After(r.Arrived) || a.Err == nil {
			continue
		}
		if !a.Start.Add(a.Latency).Before(r.Arrived) && (a.Code == llms.ErrCodeRateLimit || errors.As(a.Err, &hinted)) {
			return i, ""
		}
		failed = a
	}
	switch {
	case failed == nil: // no record of the attempt: check it
		return -1, ""
	case failed.Start.Add(failed.Latency).Before(r.Arrived):
		return -1, "attempt ended first: " + string(failed.Code)
	}
	return -1, "attempt: " + string(failed.Code)
}

// hintedErr is an attempt error carrying a Retry-After hint, as the
// router's errors do when RetryAfterTransport captured one.
type hintedErr struct{ after time.Duration }

func (e hintedErr) Error() string             { return "attempt timed out" }
func (e hintedErr) RetryAfter() time.Duration { return e.after }

// TestCheckRetryAfter: the soak's Retry-After check flags a retry that came
// early or late after a 429 the router received, and only then: a 429 the
// server wrote after the attempt had timed out (a loaded machine) asked
// the router for nothing, so a quick retry after it is no violation.
func TestCheckRetryAfter(t *testing.T) {
	t0 := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	const key, model = "request req-7", "cheap"
	// A 429 read at 100ms asking for a retry from 1100ms.
	r429 := openaitest.Request{Messages: []openaitest.Message{{Content: key}}, Arrived: ms(100), Fault: "retry_after_seconds", NotBefore: ms(1100)}
	at := func(n int) openaitest.Request {
		return openaitest.Request{Messages: []openaitest.Message{{Content: key}}, Arrived: ms(n)}
	}
	attempt := func(start, end int, code llms.ErrorCode, err error) llmrouter.Attempt {
		return llmrouter.Attempt{Model: model, Start: ms(start), Latency: time.Duration(end-start) * time.Millisecond, Code: code, Err: err}
	}
	// retry is the router's retry of the model, after a wait of wait.
	retry := func(start, end int, wait time.Duration) llmrouter.Attempt {
		a := attempt(start, end, "", nil)
		a.Retry, a.Wait = 1, wait
		return a
	}
	rateLimited := attempt(0, 120, llms.ErrCodeRateLimit, errors.New("429"))
	timedOut := attempt(0, 90, llms.ErrCodeTimeout, errors.New("attempt timed out")) // ended before the server read the request
	timedOutLate := attempt(0, 150, llms.ErrCodeTimeout, errors.New("attempt timed out"))
	tests := []struct {
		name     string
		retry    openaitest.Request // zero: none
		attempts []llmrouter.Attempt
		want     map[string]int // violations by kind
		tally    string
	}{
		{name: "received, retried in time", retry: at(1125), attempts: []llmrouter.Attempt{rateLimited, retry(1124, 1200, time.Second)},
			tally: "retried on the same model after retry_after_seconds"},
		{name: "received, retried 800ms early", retry: at(300), attempts: []llmrouter.Attempt{rateLimited, retry(299, 400, 175*time.Millisecond)},
			want: map[string]int{vRetryEarly: 1}, tally: "retried on the same model after retry_after_seconds"},
		// A loaded machine delays the retry, not the router's decision:
		// its wait is what counts, not the time the retry arrived.
		{name: "received, waited as asked, arrived 2s late", retry: at(3100), attempts: []llmrouter.Attempt{rateLimited, retry(3099, 3200, time.Second)},
			tally: "retried on the same model after retry_after_seconds"},
		{name: "received, waited 3s", retry: at(3125), attempts: []llmrouter.Attempt{rateLimited, retry(3124, 3200, 3*time.Second)},
			want: map[string]int{vRetryLate: 1}, tally: "retried on the same model after retry_after_seconds"},
		{name: "received, waited the hint plus a backoff", retry: at(1130), attempts: []llmrouter.Attempt{rateLimited, retry(1129, 1200, time.Second+5*time.Millisecond)},
			want: map[string]int{vRetryLate: 1}, tally: "retried on the same model after retry_after_seconds"},
		{name: "received, retried by another pass without a wait", retry: at(1500),
			attempts: []llmrouter.Attempt{rateLimited, func() llmrouter.Attempt {
				a := attempt(130, 200, llms.ErrCodeProviderUnavailable, errors.New("503"))
				a.Model = "mid"
				return a
			}(), attempt(1499, 1600, "", nil)},
			tally: "retried on the same model after retry_after_seconds"},
		{name: "received, the retry not in the record", retry: at(1125), attempts: []llmrouter.Attempt{rateLimited},
			want: map[string]int{vRetryUnrecorded: 1}, tally: "retried on the same model after retry_after_seconds"},
		{name: "received, not retried", attempts: []llmrouter.Attempt{rateLimited},
			tally: "not retried on the same model after retry_after_seconds"},
		{name: "the attempt ended before the server read it", retry: at(95), attempts: []llmrouter.Attempt{timedOut, attempt(93, 200, "", nil)},
			tally: "not received by the router after retry_after_seconds (attempt ended first: timeout)"},
		{name: "the attempt timed out before the 429 reached it", retry: at(160), attempts: []llmrouter.Attempt{timedOutLate, attempt(155, 300, "", nil)},
			tally: "not received by the router after retry_after_seconds (attempt: timeout)"},
		{name: "timed out, but its headers' hint reached the router", retry: at(300),
			attempts: []llmrouter.Attempt{attempt(0, 150, llms.ErrCodeTimeout, hintedErr{time.Second}), attempt(299, 400, "", nil)},
			want:     map[string]int{vRetryEarly: 1}, tally: "retried on the same model after retry_after_seconds"},
		{name: "no attempt of the request recorded: checked", retry: at(300),
			want: map[string]int{vRetryEarly: 1, vRetryUnrecorded: 1}, tally: "retried on the same model after retry_after_seconds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newSoakChecker(vRetryEarly, vRetryLate, vRetryUnrecorded)
			reqs := []openaitest.Request{r429}
			if !tt.retry.Arrived.IsZero() {
				reqs = append(reqs, tt.retry)
			}
			as := newSoakAttempts()
			if tt.attempts != nil {
				as.put(key, tt.attempts)
			}
			tally := map[string]int{}
			checkRetryAfter(v, model, reqs, as, tally)
			want := tt.want
			if want == nil {
				want = map[string]int{}
			}
			assert.Equal(t, want, v.counts, "violations: %v", v.samples)
			assert.Equal(t, map[string]int{tt.tally: 1}, tally)
		})
	}
}

// lateTransport delivers its first request to the server only after the
// attempt that made it has ended, then returns the attempt's error without
// the response: what a loaded machine does when the server gets to a
// request after the client's attempt timed out. The server still answers
// and records it.
type lateTransport struct {
	base http.RoundTripper
	held chan struct{} // closed when the first request waits for its attempt's end
	once sync.Once
}

func (t *lateTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	first := false
	t.once.Do(func() { first = true })
	if !first {
		return t.base.RoundTrip(req)
	}
	close(t.held)
	<-req.Context().Done()
	resp, err := t.base.RoundTrip(req.Clone(context.Background()))
	if err == nil {
		resp.Body.Close()
	}
	return nil, req.Context().Err()
}

// TestRetryAfterLate429: a 429 whose request the server handles only after
// the attempt timed out is, for the router, a timeout without a hint,
// retried after the backoff; the server's record of the 429 asks for a
// later retry, which the soak check must not hold against the router. The
// same quick retry after a 429 the router did receive, its hint lost (no
// RetryAfterTransport), is flagged. The router waits on a fake clock; its
// attempt times are real, to be compared with the server's.
func TestRetryAfterLate429(t *testing.T) {
	tests := []struct {
		name  string
		late  bool
		codes []string
		want  map[string]int
		tally string
	}{
		{name: "429 after the attempt timed out", late: true, codes: []string{"cheap:timeout", "cheap:ok"},
			want: map[string]int{}, tally: "not received by the router after 429 (attempt: timeout)"},
		{name: "429 received, hint lost", codes: []string{"cheap:rate_limit", "cheap:ok"},
			want: map[string]int{vRetryEarly: 1}, tally: "retried on the same model after 429"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := routertest.NewClock(time.Now())
			srv := openaitest.New(t)
			srv.Enqueue(openaitest.RetryAfterSeconds(1))
			lt := &lateTransport{base: http.DefaultTransport, held: make(chan struct{})}
			var transport http.RoundTripper = http.DefaultTransport // no RetryAfterTransport: the hint is lost
			if tt.late {
				transport = &llmrouter.RetryAfterTransport{Base: lt}
			}
			llm, err := openai.New(openai.WithBaseURL(srv.URL), openai.WithToken("test"), openai.WithModel("gpt-4o-mini"),
				openai.WithHTTPClient(&http.Client{Transport: transport}))
			require.NoError(t, err)
			sink := &lastSink{}
			r, err := llmrouter.New([]llmrouter.Provider{llmrouter.NewProvider(cheapCard, llm)}, llmrouter.WithSink(sink),
				llmrouter.WithFallback(llmrouter.Fallback{Clock: clock, Rand: half, NoBreaker: true, AttemptTimeout: time.Second,
					Backoff: llmrouter.Backoff{Base: 10 * time.Millisecond, Max: 10 * time.Millisecond}}))
			require.NoError(t, err)
			done := make(chan error, 1)
			go func() {
				_, err := r.GenerateContent(context.Background(), human("request req-1"))
				done <- err
			}()
			if tt.late {
				<-lt.held
				require.True(t, clock.WaitForWaiters(1))
				clock.Advance(time.Second) // the attempt times out
			}
			// The backoff (the first attempt's abandoned timeout is pending
			// too when it did not fire).
			waiters := 1
			if !tt.late {
				waiters = 2
			}
			require.True(t, clock.WaitForWaiters(waiters))
			clock.Advance(5 * time.Millisecond)
			require.NoError(t, <-done)
			d := sink.last()
			require.Equal(t, tt.codes, codes(d), d.Explain())
			assert.Equal(t, 5*time.Millisecond, d.Attempts[1].Wait, "the backoff: no hint reached the router")

			reqs := srv.Requests()
			require.Len(t, reqs, 2)
			require.False(t, reqs[0].NotBefore.IsZero(), "the server recorded the 429's Retry-After")
			for i := range reqs {
				if !reqs[i].NotBefore.IsZero() {
					reqs[i].Fault = "429"
				}
			}
			as := newSoakAttempts()
			as.put("request req-1", d.Attempts)
			v := newSoakChecker(vRetryEarly, vRetryLate, vRetryUnrecorded)
			tally := map[string]int{}
			checkRetryAfter(v, cheapCard.Name, reqs, as, tally)
			assert.Equal(t, tt.want, v.counts, "violations: %v", v.samples)
			assert.Equal(t, map[string]int{tt.tally: 1}, tally)
		})
	}
}
