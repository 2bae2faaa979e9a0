package llmrouter_test

import (
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/breaker"
	"github.com/llmrouter/llmrouter/internal/openaitest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/openai"
)

// newSoakClient returns langchaingo's real openai client for the fake
// server at url, sending through base. Every soak client is built here, so
// that the HTTP client that captures Retry-After is put in one place.
func newSoakClient(url string, base *http.Transport) (*openai.LLM, error) {
	hc := &http.Client{Transport: &llmrouter.RetryAfterTransport{Base: base}}
	return openai.New(openai.WithBaseURL(url), openai.WithToken("test"), openai.WithModel("gpt-4o-mini"), openai.WithHTTPClient(hc))
}

// clientFaults are the faults each soak server injects; answers echo the
// request after "<model>: ".
func clientFaults(model string) []openaitest.Fault {
	echo := openaitest.EchoReply(model + ": ")
	cut := echo
	cut.Cut, cut.CutAfter = true, 1
	return []openaitest.Fault{
		{Name: "stall_after_chunk", Weight: 10, Response: openaitest.Stalled(echo, 1)},
		{Name: "not_event_stream", Weight: 8, Response: openaitest.NotEventStream()},
		{Name: "malformed_json", Weight: 8, Response: openaitest.MalformedJSON()},
		{Name: "empty_answer", Weight: 8, Response: openaitest.Reply("")},
		{Name: "retry_after_seconds", Weight: 4, Response: openaitest.RetryAfterSeconds(1)},
		{Name: "retry_after_date", Weight: 4, Response: openaitest.RetryAfterDate(1500 * time.Millisecond)},
		{Name: "server_500", Weight: 15, Response: openaitest.ServerError()},
		{Name: "unavailable_503", Weight: 15, Response: openaitest.Unavailable()},
		{Name: "stream_cut", Weight: 8, Response: cut},
	}
}

// TestSoakRealClient is TestSoak through langchaingo's real openai client:
// 3,000 requests from 32 goroutines to three models, each its own
// openaitest server that answers 20% of requests with a fault
// (clientFaults: streams that stall after their first chunk, 200s whose
// body is not an event stream, malformed JSON, empty answers, 429s with
// Retry-After in seconds and in HTTP-date form and no hint in the body,
// 500, 503, streams cut after a chunk), drawn per request and arrival so
// each request meets the same faults on every run. Requests are mixed as
// in TestSoak (half hedged, a quarter streamed, half of those buffered,
// 4% cancelling themselves), on the real clock, and checked against the
// same invariants, plus Retry-After: a retry of the same model after a 429
// the router received comes no sooner than its Retry-After asked, after a
// recorded wait no longer than it asked (MaxRetryWait is above the hints;
// the wait, not the wall-clock time of the retry, which a loaded machine
// delays); a 429 the server wrote only after the attempt had timed out (a
// loaded machine) is tallied, not checked (see checkRetryAfter). The
// router's defaults are in force (no Verifier is set).
//
//	go test -race -run TestSoakRealClient -v .                              # 3,000 requests
//	LLMROUTER_SOAK_CLIENT_REQUESTS=30000 go test -run TestSoakRealClient -v .  # longer
//
// Skipped with -short.
func TestSoakRealClient(t *testing.T) {
	if testing.Short() {
		t.Skip("soak test: skipped with -short")
	}
	total := soakSize(t, "LLMROUTER_SOAK_CLIENT_REQUESTS", 3_000)
	const workers = 32
	before := runtime.NumGoroutine()

	v := newSoakChecker(vEmpty, vTruncated, vUnbufStream, vUnbufErr, vBufStream, vCanceled, vDeadline, vHedgedStream, vUnknown,
		vRetryEarly, vRetryLate, vRetryUnrecorded)
	cards := []llmrouter.ModelCard{cheapCard, midCard, strongCard}
	// Connections are kept for reuse (langchaingo's default keeps two per
	// host), so that 32 workers do not dial for every request.
	base := &http.Transport{MaxIdleConnsPerHost: 2 * workers}
	srvs := make([]*openaitest.Server, len(cards))
	ps := make([]llmrouter.Provider, len(cards))
	for i, c := range cards {
		srvs[i] = openaitest.New(t)
		srvs[i].SetDefault(openaitest.EchoReply(c.Name + ": "))
		srvs[i].InjectFaults(0.20, uint64(i+1), clientFaults(c.Name)...)
		llm, err := newSoakClient(srvs[i].URL, base)
		require.NoError(t, err)
		ps[i] = llmrouter.NewProvider(c, llm)
	}
	fb := llmrouter.Fallback{
		Backoff:        llmrouter.Backoff{Base: time.Millisecond, Max: 5 * time.Millisecond},
		MaxRetryWait:   3 * time.Second, // above every Retry-After the servers send
		AttemptTimeout: time.Second,     // stalls end here; ample for a healthy call on a loaded machine
		Breaker:        breaker.Settings{ConsecutiveFailures: 8, Cooldown: 20 * time.Millisecond, MaxCooldown: 200 * time.Millisecond},
	}
	var (
		mu      sync.Mutex
		attempt = map[string]int{}
		sinkN   atomic.Int64
	)
	sink := llmrouter.SinkFunc(func(d *llmrouter.Decision) {
		sinkN.Add(1)
		v.checkAttempts(d)
		countAttempts(d, func(k string) { mu.Lock(); attempt[k]++; mu.Unlock() })
	})
	tried := newSoakAttempts() // each request's attempts, for the Retry-After check
	plain, err := llmrouter.New(ps, llmrouter.WithFallback(fb), llmrouter.WithSink(sink, tried))
	require.NoError(t, err)
	hfb := fb
	hfb.Hedge = llmrouter.Hedge{Delay: 2 * time.Millisecond}
	hfb.Breakers = plain.Breakers()
	hedged, err := llmrouter.New(ps, llmrouter.WithFallback(hfb), llmrouter.WithSink(sink, tried))
	require.NoError(t, err)

	type outcome struct {
		rq        *soakReq
		resp      *llms.ContentResponse
		err       error
		callerErr error
		ends      atomic.Int32
	}
	outs := make([]outcome, total)
	var next atomic.Int64
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
				o := &outs[id]
				o.rq = rq
				o.resp, o.err, o.callerErr = soakCall(r, rq, 20*time.Millisecond)
				o.ends.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

	// What each request met at the servers, in arrival order per server.
	faults, calls := map[string]int{}, 0
	byKey := map[string][]string{}
	retries := map[string]int{}
	for i, s := range srvs {
		reqs := s.Requests()
		for _, r := range reqs {
			calls++
			faults[r.Fault]++
			byKey[r.Key()] = append(byKey[r.Key()], r.Fault)
		}
		checkRetryAfter(v, cards[i].Name, reqs, tried, retries)
	}
	tally, cancels := map[string]int{}, map[string]int{}
	var bad []string
	for id := range outs {
		o := &outs[id]
		if n := o.ends.Load(); n != 1 {
			bad = append(bad, fmt.Sprintf("request %d ended %d times", id, n))
			continue
		}
		o.rq.faults = byKey[o.rq.prompt]
		kind := soakOutcome(v, o.rq, o.resp, o.err, o.callerErr)
		switch {
		case kind == "":
			bad = append(bad, fmt.Sprintf("request %d: unclassified error %v", id, o.err))
		case o.rq.cancel != "":
			cancels[o.rq.cancel+": "+kind]++
		default:
			tally[kind]++
		}
	}
	assert.Empty(t, bad[:min(len(bad), 20)])
	assert.Equal(t, int64(total), sinkN.Load(), "one decision per request")
	for _, s := range srvs {
		s.Close() // ends held responses and idle connections before counting goroutines
	}
	base.CloseIdleConnections()
	after := settleGoroutines(before)
	assert.LessOrEqual(t, after, before, "goroutines before %d, after %d", before, after)

	nfaults := calls - faults[""]
	delete(faults, "")
	t.Logf("%d requests from %d goroutines in %s (%.0f req/s) through langchaingo's openai client; goroutines before %d, after %d",
		total, workers, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(), before, after)
	t.Logf("HTTP requests %d, injected faults %d (%.1f%%)", calls, nfaults, 100*float64(nfaults)/float64(calls))
	logTally(t, "faults injected", faults)
	logTally(t, "request outcomes", tally)
	logTally(t, "requests that cancelled themselves", cancels)
	logTally(t, "attempts", attempt)
	logTally(t, "429s with Retry-After", retries)
	v.report(t)
	checked := 0
	for k, n := range retries {
		if strings.HasPrefix(k, "retried on the same model") {
			checked += n
		}
	}
	assert.Positive(t, checked, "no retry after a 429 the router received: the Retry-After check checked nothing")
}
