package llmrouter_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/breaker"
	"github.com/llmrouter/llmrouter/internal/openaitest"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/anthropic"
	"github.com/tmc/langchaingo/llms/openai"
)

// retryEpoch is a whole second, so HTTP-dates (whole seconds) relative to
// it are exact.
var retryEpoch = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// headerRouter builds a router over cheap and mid, each a real openai
// client on its own openaitest server whose http.Client uses transport
// (nil: the client's default), on an auto-advancing fake clock at
// retryEpoch.
func headerRouter(t *testing.T, fb llmrouter.Fallback, transport http.RoundTripper) (*llmrouter.Router, []*openaitest.Server, *lastSink, *routertest.Clock) {
	t.Helper()
	clock := routertest.NewClock(retryEpoch).SetAutoAdvance(true)
	fb.Clock, fb.Rand = clock, half
	var ps []llmrouter.Provider
	var srvs []*openaitest.Server
	for _, c := range []llmrouter.ModelCard{cheapCard, midCard} {
		srv := openaitest.New(t)
		llm, err := openai.New(openai.WithBaseURL(srv.URL), openai.WithToken("test"), openai.WithModel("gpt-4o-mini"),
			openai.WithHTTPClient(&http.Client{Transport: transport}))
		require.NoError(t, err)
		ps = append(ps, llmrouter.NewProvider(c, llm))
		srvs = append(srvs, srv)
	}
	sink := &lastSink{}
	r, err := llmrouter.New(ps, llmrouter.WithFallback(fb), llmrouter.WithSink(sink), llmrouter.WithClock(clock))
	require.NoError(t, err)
	return r, srvs, sink, clock
}

// TestRetryAfterHeaderOpenAI: a 429 whose only delay is in its headers (the
// body names none) is retried after that delay when the client's transport
// is a RetryAfterTransport; without it the hint is lost.
func TestRetryAfterHeaderOpenAI(t *testing.T) {
	const jitter = 125 * time.Millisecond // the first backoff, 250ms × Rand 0.5
	withMs := openaitest.RateLimitedHeader("9")
	withMs.Header.Set("retry-after-ms", "1500")
	bodyWins := openaitest.RateLimited(3 * time.Second) // "Please try again in 3s" in the body
	bodyWins.Header.Set("Retry-After", "7")
	tests := []struct {
		name      string
		fault     openaitest.Response
		transport http.RoundTripper
		want      []string
		wait      time.Duration // the retry's wait; 0: no retry
	}{
		{name: "seconds", fault: openaitest.RateLimitedHeader("2"), wait: 2 * time.Second},
		{name: "HTTP-date", fault: openaitest.RateLimitedUntil(retryEpoch.Add(5 * time.Second)), wait: 5 * time.Second},
		{name: "retry-after-ms before Retry-After", fault: withMs, wait: 1500 * time.Millisecond},
		{name: "the body's hint wins over the header", fault: bodyWins, wait: 3 * time.Second},
		{name: "503 with Retry-After", fault: func() openaitest.Response {
			r := openaitest.Unavailable()
			r.Header = http.Header{"Retry-After": {"4"}}
			return r
		}(), want: []string{"cheap:provider_unavailable", "cheap:ok"}, wait: 4 * time.Second},
		{name: "without the transport the hint is lost", fault: openaitest.RateLimitedHeader("2"), transport: http.DefaultTransport, wait: jitter},
		{name: "malformed: word", fault: openaitest.RateLimitedHeader("soon"), wait: jitter},
		{name: "malformed: negative", fault: openaitest.RateLimitedHeader("-3"), wait: jitter},
		{name: "malformed: exponent", fault: openaitest.RateLimitedHeader("1e3"), wait: jitter},
		{name: "malformed: inf", fault: openaitest.RateLimitedHeader("Inf"), wait: jitter},
		{name: "malformed: bad date", fault: openaitest.RateLimitedHeader("Wed, 32 Foo 2030 25:61:00 GMT"), wait: jitter},
		{name: "malformed: over 24h", fault: openaitest.RateLimitedHeader("86401"), wait: jitter},
		{name: "a date in the past", fault: openaitest.RateLimitedUntil(retryEpoch.Add(-time.Minute)), wait: jitter},
		{name: "no header", fault: openaitest.RateLimitedHeader(""), wait: jitter},
		{name: "seconds over MaxRetryWait: next model", fault: openaitest.RateLimitedHeader("30"),
			want: []string{"cheap:rate_limit", "mid:ok"}},
		{name: "HTTP-date over MaxRetryWait: next model", fault: openaitest.RateLimitedUntil(retryEpoch.Add(11 * time.Second)),
			want: []string{"cheap:rate_limit", "mid:ok"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			transport := tt.transport
			if transport == nil {
				transport = &llmrouter.RetryAfterTransport{}
			}
			r, srvs, sink, clock := headerRouter(t, llmrouter.Fallback{}, transport)
			srvs[0].Enqueue(tt.fault)
			resp, err := r.GenerateContent(context.Background(), human("What is two plus two?"))
			require.NoError(t, err)
			assert.Equal(t, "ok", resp.Choices[0].Content)
			d := sink.last()
			want := tt.want
			if want == nil {
				want = []string{"cheap:rate_limit", "cheap:ok"}
			}
			require.Equal(t, want, codes(d), d.Explain())
			if tt.wait == 0 {
				assert.Empty(t, clock.Waits(), "no retry wait")
				assert.Contains(t, d.Attempts[0].Next, "exceeds the 10s limit")
				return
			}
			assert.Equal(t, tt.wait, d.Attempts[1].Wait, "the retry waits the hinted delay")
			assert.Equal(t, []time.Duration{tt.wait}, clock.Waits(), "the clock waited once, the hint")
		})
	}
}

// TestRetryAfterHeaderBreaker: a header hint over MaxRetryWait moves on
// and, when the failure trips the model's breaker, holds the model open
// for the hinted time rather than the shorter cooldown.
func TestRetryAfterHeaderBreaker(t *testing.T) {
	fb := llmrouter.Fallback{Breaker: breaker.Settings{ConsecutiveFailures: 1, Cooldown: time.Second}}
	r, srvs, sink, clock := headerRouter(t, fb, &llmrouter.RetryAfterTransport{})
	srvs[0].Enqueue(openaitest.RateLimitedUntil(retryEpoch.Add(40 * time.Second)))
	_, err := r.GenerateContent(context.Background(), human("hi"))
	require.NoError(t, err)
	d := sink.last()
	require.Equal(t, []string{"cheap:rate_limit", "mid:ok"}, codes(d), d.Explain())
	now := clock.Now()
	assert.Equal(t, retryEpoch.Add(40*time.Second), r.Breakers().Breaker("cheap").RetryAt(now), "open until the hinted date")
}

// TestRetryAfterHeaderAnthropic: the real anthropic client, given an
// http.Client with the transport, hands its Retry-After to the router.
func TestRetryAfterHeaderAnthropic(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		_, _ = io.Copy(io.Discard, req.Body)
		w.Header().Set("Content-Type", "application/json")
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "6")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit."}}`)
			return
		}
		fmt.Fprint(w, `{"id":"msg_1","type":"message","role":"assistant","model":"claude-3-5-haiku-latest",`+
			`"content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn","usage":{"input_tokens":5,"output_tokens":1}}`)
	}))
	t.Cleanup(srv.Close)
	llm, err := anthropic.New(anthropic.WithBaseURL(srv.URL), anthropic.WithToken("test"), anthropic.WithModel("claude-3-5-haiku-latest"),
		anthropic.WithHTTPClient(&http.Client{Transport: &llmrouter.RetryAfterTransport{}}))
	require.NoError(t, err)
	clock := routertest.NewClock(retryEpoch).SetAutoAdvance(true)
	sink := &lastSink{}
	r, err := llmrouter.New([]llmrouter.Provider{llmrouter.NewProvider(cheapCard, llm)},
		llmrouter.WithFallback(llmrouter.Fallback{Clock: clock, Rand: half}), llmrouter.WithSink(sink), llmrouter.WithClock(clock))
	require.NoError(t, err)
	resp, err := r.GenerateContent(context.Background(), human("hi"), llms.WithMaxTokens(16))
	require.NoError(t, err)
	assert.Equal(t, "ok", resp.Choices[0].Content)
	d := sink.last()
	require.Equal(t, []string{"cheap:rate_limit", "cheap:ok"}, codes(d), d.Explain())
	assert.Equal(t, 6*time.Second, d.Attempts[1].Wait)
	assert.Equal(t, []time.Duration{6 * time.Second}, clock.Waits())
}

// roundTripFunc is a stub http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// countingBody fails the test's assertion if anyone reads or closes it.
type countingBody struct{ reads, closes atomic.Int32 }

func (b *countingBody) Read([]byte) (int, error) { b.reads.Add(1); return 0, io.EOF }
func (b *countingBody) Close() error             { b.closes.Add(1); return nil }

// TestRetryAfterTransportPassThrough: outside a router attempt the
// transport hands back Base's response and error untouched, reads no body
// and allocates nothing.
func TestRetryAfterTransportPassThrough(t *testing.T) {
	body := &countingBody{}
	want := &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"5"}}, Body: body}
	wantErr := fmt.Errorf("base failed")
	tests := []struct {
		name string
		resp *http.Response
		err  error
	}{
		{"a 429 response", want, nil},
		{"an error", nil, wantErr},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := &llmrouter.RetryAfterTransport{Base: roundTripFunc(func(*http.Request) (*http.Response, error) { return tt.resp, tt.err })}
			req := httptest.NewRequest(http.MethodPost, "http://example.invalid/v1/chat/completions", nil)
			resp, err := tr.RoundTrip(req)
			assert.Same(t, tt.resp, resp)
			assert.Equal(t, tt.err, err)
			assert.Equal(t, http.Header{"Retry-After": {"5"}}, want.Header, "headers untouched")
			allocs := testing.AllocsPerRun(100, func() { _, _ = tr.RoundTrip(req) })
			assert.Zero(t, allocs, "no allocation without a slot")
		})
	}
	assert.Zero(t, body.reads.Load(), "the body is never read")
	assert.Zero(t, body.closes.Load(), "the body is never closed")
}

// TestRetryAfterTransportDefaultBase: a nil Base (and a nil transport)
// means http.DefaultTransport.
func TestRetryAfterTransportDefaultBase(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, "busy")
	}))
	t.Cleanup(srv.Close)
	for _, tr := range []*llmrouter.RetryAfterTransport{{}, nil} {
		resp, err := (&http.Client{Transport: tr}).Get(srv.URL)
		require.NoError(t, err)
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
		assert.Equal(t, "1", resp.Header.Get("Retry-After"))
		assert.Equal(t, "busy", string(b), "the body reaches the client whole")
	}
}

// TestRetryAfterTransportConcurrent: one transport shared by concurrent
// requests gives each attempt its own response's hint: of 16 rate limits,
// the 8 with Retry-After: 3 wait 3s, the 8 without wait the backoff (a
// constant 50ms here, so that however the 429s fall on the requests, the
// counts do not change).
func TestRetryAfterTransportConcurrent(t *testing.T) {
	const n = 16
	fb := llmrouter.Fallback{MaxRetries: n, NoBreaker: true, MaxRetryWait: 10 * time.Second,
		Backoff: llmrouter.Backoff{Base: 100 * time.Millisecond, Max: 100 * time.Millisecond}}
	r, srvs, _, clock := headerRouter(t, fb, &llmrouter.RetryAfterTransport{})
	for i := 0; i < n; i++ {
		if i%2 == 0 {
			srvs[0].Enqueue(openaitest.RateLimitedHeader("3"))
		} else {
			srvs[0].Enqueue(openaitest.RateLimitedHeader(""))
		}
	}
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		go func() {
			_, err := r.GenerateContent(context.Background(), human("hi"))
			errs <- err
		}()
	}
	for i := 0; i < n; i++ {
		require.NoError(t, <-errs)
	}
	waits := clock.Waits()
	require.Len(t, waits, n, "one wait per rate limit")
	hinted, backoff := 0, 0
	for _, w := range waits {
		switch w {
		case 3 * time.Second:
			hinted++
		case 50 * time.Millisecond:
			backoff++
		}
	}
	assert.Equal(t, n/2, hinted, "exactly the responses with the header were waited for 3s: %v", waits)
	assert.Equal(t, n/2, backoff, "the others waited the backoff: %v", waits)
	assert.Len(t, srvs[0].Requests(), 2*n)
	assert.Empty(t, srvs[1].Requests())
}

// A langchaingo client whose HTTP client uses RetryAfterTransport lets the
// router wait what the server's Retry-After says (here on a fake clock).
func ExampleRetryAfterTransport() {
	srv := openaitest.New(nil)
	defer srv.Close()
	srv.Enqueue(openaitest.RateLimitedHeader("2")) // 429, Retry-After: 2, no delay in the body

	hc := &http.Client{Transport: &llmrouter.RetryAfterTransport{}}
	llm, err := openai.New(openai.WithBaseURL(srv.URL), openai.WithToken("test"), openai.WithHTTPClient(hc))
	if err != nil {
		panic(err)
	}
	clock := routertest.NewClock(time.Now()).SetAutoAdvance(true)
	r, err := llmrouter.New([]llmrouter.Provider{llmrouter.NewProvider(llmrouter.ModelCard{Name: "gpt-4o-mini"}, llm)},
		llmrouter.WithFallback(llmrouter.Fallback{Clock: clock}), llmrouter.WithClock(clock))
	if err != nil {
		panic(err)
	}
	resp, err := r.GenerateContent(context.Background(), []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "hi")})
	if err != nil {
		panic(err)
	}
	d, _ := llmrouter.DecisionFrom(resp)
	for _, a := range d.Attempts {
		outcome := string(a.Code)
		if a.Err == nil {
			outcome = "ok"
		}
		fmt.Printf("%s after a wait of %s: %s\n", a.Model, a.Wait, outcome)
	}
	// Output:
	// gpt-4o-mini after a wait of 0s: rate_limit
	// gpt-4o-mini after a wait of 2s: ok
}
