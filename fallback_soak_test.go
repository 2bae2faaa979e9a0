package llmrouter_test

import (
	"context"
	"errors"
	"fmt"
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
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// TestSoak drives 50,000 requests from 64 goroutines through three models
// that fail 20% of their calls with faults of every kind (rate limits with
// Retry-After, 500, 503, hangs ended by the attempt timeout, context
// length, content filter, quota, 401, streams cut mid-way, empty answers).
// Half the requests go through a hedging router. Every request must end
// exactly once with its own answer or a classified error, and no goroutine
// may outlive the run. It uses the real clock with microsecond backoffs and
// a 20ms attempt timeout, so real timers and cancellations are exercised.
//
//	go test -race -run TestSoak -v .                       # 50,000 requests
//	LLMROUTER_SOAK_REQUESTS=500000 go test -run TestSoak -v .  # longer
//
// Skipped with -short.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("soak test: skipped with -short")
	}
	total := 50_000
	if s := os.Getenv("LLMROUTER_SOAK_REQUESTS"); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(t, err)
		total = n
	}
	const workers = 64
	before := runtime.NumGoroutine()

	cards := []llmrouter.ModelCard{cheapCard, midCard, strongCard}
	injectors := make([]*routertest.FaultInjector, len(cards))
	echoes := make([]*routertest.Echo, len(cards))
	ps := make([]llmrouter.Provider, len(cards))
	for i, c := range cards {
		echoes[i] = routertest.NewEcho(c)
		injectors[i] = routertest.InjectFaults(echoes[i], 0.20, uint64(i+1))
		ps[i] = injectors[i]
	}
	fb := llmrouter.Fallback{
		Backoff:        llmrouter.Backoff{Base: 50 * time.Microsecond, Max: time.Millisecond},
		MaxRetryWait:   time.Millisecond, // Retry-After hints (20ms) move on at once
		AttemptTimeout: 20 * time.Millisecond,
		Breaker:        llmrouter.BreakerSettings{ConsecutiveFailures: 8, Cooldown: 2 * time.Millisecond, MaxCooldown: 20 * time.Millisecond},
		Verifier:       llmrouter.RejectEmpty,
	}
	var (
		next    atomic.Int64
		ends    = make([]atomic.Int32, total)
		mu      sync.Mutex
		tally   = map[string]int{}
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
		for _, a := range d.Attempts {
			switch {
			case a.Skipped != "":
				k := "skipped"
				if strings.HasPrefix(a.Skipped, "cooling down") {
					k = "skipped: cooling down"
				}
				count(attempt, k)
			case a.Err != nil:
				count(attempt, "failed: "+string(a.Code))
			case a.Rejected != "":
				count(attempt, "rejected: "+a.Rejected)
			default:
				count(attempt, "ok")
			}
			if a.Retry > 0 {
				count(attempt, "(retries)")
			}
			if a.Hedged {
				count(attempt, "(hedges started)")
			}
		}
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
				r := plain
				if id%2 == 1 {
					r = hedged
				}
				ctx := context.Background()
				prompt := "request req-" + strconv.Itoa(id)
				var opts []llms.CallOption
				var streamed strings.Builder
				if id%4 >= 2 { // a quarter of each router's requests stream
					if id%8 >= 6 {
						ctx = llmrouter.BufferStreaming(ctx)
					}
					opts = append(opts, llms.WithStreamingFunc(func(_ context.Context, c []byte) error {
						streamed.Write(c)
						return nil
					}))
				}
				resp, err := r.GenerateContent(ctx, human(prompt), opts...)
				ends[id].Add(1)
				if err == nil {
					got := resp.Choices[0].Content
					d, _ := llmrouter.DecisionFrom(resp)
					if kept(d) {
						// A rejected answer already streamed to the caller
						// is kept (it cannot be taken back).
						if len(opts) == 0 || streamed.String() != got {
							complain("request %d: rejected answer %q returned without streaming", id, got)
						}
						count(tally, "answered, rejected answer kept (already streamed)")
						continue
					}
					if !strings.HasSuffix(got, "req-"+strconv.Itoa(id)) || !strings.HasPrefix(got, d.Answered+": ") {
						complain("request %d got %q from %s", id, got, d.Answered)
					}
					if len(opts) > 0 && streamed.String() != got {
						complain("request %d streamed %q but answered %q", id, streamed.String(), got)
					}
					count(tally, "answered by "+d.Answered)
					continue
				}
				if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
					complain("request %d: no caller cancelled, yet the error matches the context's: %v", id, err)
				}
				switch {
				case errors.Is(err, llmrouter.ErrStreamStarted):
					count(tally, "error: stream failed after text (ErrStreamStarted)")
				case errors.Is(err, llmrouter.ErrAllCoolingDown):
					count(tally, "error: every model cooling down (ErrAllCoolingDown)")
				case errors.Is(err, llmrouter.ErrRejected):
					count(tally, "error: every answer rejected (ErrRejected)")
				case errors.Is(err, llmrouter.ErrAllFailed):
					var af *llmrouter.AllFailedError
					if !errors.As(err, &af) {
						complain("request %d: ErrAllFailed without *AllFailedError: %v", id, err)
						continue
					}
					for _, a := range af.Attempts {
						if a.Err != nil && a.Skipped == "" && (a.Code == "" || a.Code == llms.ErrCodeUnknown) {
							complain("request %d: unclassified attempt %s: %v", id, a.Model, a.Err)
						}
					}
					count(tally, "error: all failed, "+ending(af))
				default:
					complain("request %d: unclassified error %v", id, err)
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
		for k, v := range in.Counts() {
			faults[k] += v
		}
	}
	nfaults := 0
	for _, v := range faults {
		nfaults += v
	}
	t.Logf("%d requests from %d goroutines in %s (%.0f req/s); goroutines before %d, after %d",
		total, workers, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(), before, after)
	t.Logf("provider calls %d, injected faults %d (%.1f%%)", calls, nfaults, 100*float64(nfaults)/float64(calls))
	logTally(t, "faults injected", faults)
	logTally(t, "request outcomes", tally)
	logTally(t, "attempts", attempt)
}

// kept reports whether the answer returned is one the verifier rejected
// but that had already been streamed to the caller.
func kept(d *llmrouter.Decision) bool {
	for _, a := range d.Attempts {
		if a.Model == d.Answered && a.Rejected != "" && strings.HasPrefix(a.Next, "kept") {
			return true
		}
	}
	return false
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
