package llmrouter_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/breaker"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// TestSoak drives 50,000 requests from 64 goroutines through three models
// that fail 20% of their calls with faults of every kind
// (routertest.MixedFaults: rate limits with Retry-After, 500, 503, hangs
// ended by the attempt timeout, context length, content filter, quota,
// 401, streams cut mid-way, streams that stall after their first chunk,
// empty answers). Each call of a hedged request is also delayed by up to
// 500µs, and a streamed answer by up to 500µs after its first chunk, so
// hedges race the attempts they hedge. Half the requests go through a hedging router; a quarter
// stream (half of those buffered); 4% cancel themselves (before the call,
// at the first streamed chunk, after a random delay, or by a deadline).
//
// Every request must end exactly once, and no goroutine may outlive the
// run. The invariants (see soakChecker.check) are tallied by kind and fail
// the test: a successful answer is the request's whole text (never
// truncated, never empty); an unbuffered stream delivered exactly the
// answer; a buffered stream delivered only the answer's chunks (nothing on
// failure); errors.Is(err, context.Canceled) or DeadlineExceeded only when
// the caller cancelled or its deadline passed; a hedged streamed request
// none of whose calls met a fault succeeds; every failed attempt is
// classified. It uses the real clock with microsecond backoffs and a 20ms
// attempt timeout, so real timers and cancellations are exercised; the
// router's defaults are in force (no Verifier is set).
//
//	go test -race -run 'TestSoak$' -v .                       # 50,000 requests
//	LLMROUTER_SOAK_REQUESTS=500000 go test -run 'TestSoak$' -v .  # longer
//
// Skipped with -short.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("soak test: skipped with -short")
	}
	total := soakSize(t, "LLMROUTER_SOAK_REQUESTS", 50_000)
	const workers = 64
	before := runtime.NumGoroutine()

	v := newSoakChecker(vEmpty, vTruncated, vUnbufStream, vUnbufErr, vBufStream, vCanceled, vDeadline, vHedgedStream, vUnknown)
	cards := []llmrouter.ModelCard{cheapCard, midCard, strongCard}
	injectors := make([]*routertest.FaultInjector, len(cards))
	ps := make([]llmrouter.Provider, len(cards))
	for i, c := range cards {
		injectors[i] = routertest.InjectFaults(routertest.NewEcho(c), 0.20, uint64(i+1)).
			OnCall(func(ctx context.Context, fault string) {
				if rq := soakReqFrom(ctx); rq != nil {
					rq.noteCall(fault)
				}
			})
		ps[i] = &paced{Provider: injectors[i], max: 500 * time.Microsecond, rng: rand.New(rand.NewPCG(uint64(i), 7))}
	}
	fb := llmrouter.Fallback{
		Backoff:        llmrouter.Backoff{Base: 50 * time.Microsecond, Max: time.Millisecond},
		MaxRetryWait:   time.Millisecond, // Retry-After hints (20ms) move on at once
		AttemptTimeout: 20 * time.Millisecond,
		Breaker:        breaker.Settings{ConsecutiveFailures: 8, Cooldown: 2 * time.Millisecond, MaxCooldown: 20 * time.Millisecond},
	}
	var (
		next    atomic.Int64
		ends    = make([]atomic.Int32, total)
		mu      sync.Mutex
		tally   = map[string]int{}
		cancels = map[string]int{}
		attempt = map[string]int{}
		bad     []string
	)
	count := func(m map[string]int, k string) { mu.Lock(); m[k]++; mu.Unlock() }
	complain := func(format string, args ...any) {
		mu.Lock()
		if len(bad) < 20 {
			bad = append(bad, fmt.Sprintf(format, args...))
		}
		mu.Unlock()
	}
	var sinkMu sync.Mutex
	sinkDecisions := 0
	sink := llmrouter.SinkFunc(func(d *llmrouter.Decision) {
		sinkMu.Lock()
		sinkDecisions++
		sinkMu.Unlock()
		v.checkAttempts(d)
		countAttempts(d, func(k string) { count(attempt, k) })
	})
	plain, err := llmrouter.New(ps, llmrouter.WithFallback(fb), llmrouter.WithSink(sink))
	require.NoError(t, err)
	hfb := fb
	hfb.Hedge = llmrouter.Hedge{Delay: 200 * time.Microsecond}
	hfb.Breakers = plain.Breakers() // both routers share the models' health
	hedged, err := llmrouter.New(ps, llmrouter.WithFallback(hfb), llmrouter.WithSink(sink))
	require.NoError(t, err)

	start := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				id := int(next.Add(1)) - 1
				if id >= total {
					return
				}
				rq := newSoakReq(id, 0.04)
				r := plain
				if rq.hedged {
					r = hedged
				}
				resp, err, callerErr := soakCall(r, rq, 3*time.Millisecond)
				ends[id].Add(1)
				outcome := soakOutcome(v, rq, resp, err, callerErr)
				switch {
				case outcome == "":
					complain("request %d: unclassified error %v", id, err)
				case rq.cancel != "":
					count(cancels, rq.cancel+": "+outcome)
				default:
					count(tally, outcome)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

	for id := range ends {
		if n := ends[id].Load(); n != 1 {
			complain("request %d ended %d times", id, n)
		}
	}
	assert.Empty(t, bad)
	assert.Equal(t, total, sinkDecisions, "one decision per request")
	after := settleGoroutines(before)
	assert.LessOrEqual(t, after, before, "goroutines before %d, after %d", before, after)

	calls, faults := 0, map[string]int{}
	for _, in := range injectors {
		calls += in.Calls()
		for k, n := range in.Counts() {
			faults[k] += n
		}
	}
	nfaults := 0
	for _, n := range faults {
		nfaults += n
	}
	t.Logf("%d requests from %d goroutines in %s (%.0f req/s); goroutines before %d, after %d",
		total, workers, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(), before, after)
	t.Logf("provider calls %d, injected faults %d (%.1f%%)", calls, nfaults, 100*float64(nfaults)/float64(calls))
	logTally(t, "faults injected", faults)
	logTally(t, "request outcomes", tally)
	logTally(t, "requests that cancelled themselves", cancels)
	logTally(t, "attempts", attempt)
	v.report(t)
}

// soakSize is the soak's number of requests: def, or the value of the
// environment variable env.
func soakSize(t *testing.T, env string, def int) int {
	s := os.Getenv(env)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	require.NoError(t, err, env)
	require.Positive(t, n, env)
	return n
}

// soakOutcome checks rq's outcome against the invariants and names it for
// the tallies ("" for an error of no known kind).
func soakOutcome(v *soakChecker, rq *soakReq, resp *llms.ContentResponse, err, callerErr error) string {
	kept := v.check(rq, resp, err, callerErr)
	if err != nil {
		return errorKind(err, callerErr)
	}
	if kept {
		return "answered, rejected answer kept (already streamed)"
	}
	d, _ := llmrouter.DecisionFrom(resp)
	return "answered by " + d.Answered
}

// countAttempts names each attempt of d for the tallies.
func countAttempts(d *llmrouter.Decision, count func(string)) {
	for _, a := range d.Attempts {
		switch {
		case a.Skipped != "":
			k := "skipped"
			if strings.HasPrefix(a.Skipped, "cooling down") {
				k = "skipped: cooling down"
			}
			count(k)
		case a.Err != nil:
			count("failed: " + string(a.Code))
		case a.Rejected != "":
			count("rejected: " + a.Rejected)
		default:
			count("ok")
		}
		if a.Retry > 0 {
			count("(retries)")
		}
		if a.Hedged {
			count("(hedges started)")
		}
	}
}

// paced delays each call of a hedged request by up to max before it
// starts, and a streamed answer by up to max after its first chunk, on the
// real clock, so that hedges overlap the attempts they race. A delay ends
// early when the call's context ends. Calls of other requests go straight
// through. Safe for concurrent use.
type paced struct {
	llmrouter.Provider
	max time.Duration
	mu  sync.Mutex
	rng *rand.Rand
}

func (p *paced) draw() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return time.Duration(p.rng.Int64N(int64(p.max)))
}

// pause waits d or until ctx ends, and returns ctx's error if it ended.
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *paced) GenerateContent(ctx context.Context, messages []llms.MessageContent, options ...llms.CallOption) (*llms.ContentResponse, error) {
	rq := soakReqFrom(ctx)
	if rq == nil || !rq.hedged {
		return p.Provider.GenerateContent(ctx, messages, options...)
	}
	before, mid := p.draw(), p.draw()
	if err := pause(ctx, before); err != nil {
		rq.noteCut(ctx)
		return nil, err
	}
	var o llms.CallOptions
	for _, opt := range options {
		if opt != nil {
			opt(&o)
		}
	}
	if user := o.StreamingFunc; user != nil {
		first := true
		options = append(options[:len(options):len(options)], llms.WithStreamingFunc(func(c context.Context, b []byte) error {
			if err := user(c, b); err != nil || !first || len(b) == 0 {
				return err
			}
			first = false
			if err := pause(ctx, mid); err != nil {
				rq.noteCut(ctx)
				return err
			}
			return nil
		}))
	}
	return p.Provider.GenerateContent(ctx, messages, options...)
}

// ending says how a failed plan ended: the code of the attempt that
// stopped it, or of its last failed attempt.
func ending(af *llmrouter.AllFailedError) string {
	last := "every model skipped"
	for _, a := range af.Attempts {
		if a.Next == "stop" {
			return "stopped on " + string(a.Code)
		}
		if a.Skipped == "" && a.Err != nil && a.Code != llms.ErrCodeCanceled {
			last = "last failure " + string(a.Code)
		}
	}
	return last
}

func logTally(t *testing.T, title string, m map[string]int) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "\n  %-58s %7d", k, m[k])
	}
	t.Logf("%s:%s", title, b.String())
}
