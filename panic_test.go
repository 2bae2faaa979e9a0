package llmrouter_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
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

// TestNilCallOptionThroughOpenAI: a nil llms.CallOption reaches no
// provider. langchaingo's openai client calls every option it is given, so
// before the fix this crashed the test binary from a hedge goroutine.
func TestNilCallOptionThroughOpenAI(t *testing.T) {
	for name, fb := range map[string]llmrouter.Fallback{
		"sequential": {},
		"hedged":     {Hedge: llmrouter.Hedge{Delay: time.Hour}},
	} {
		t.Run(name, func(t *testing.T) {
			fb.Clock = routertest.NewClock(time.Now()) // the hedge delay never passes
			r, srvs, sink := openaiRouter(t, fb)
			resp, err := r.GenerateContent(context.Background(), human("hi"), nil, llms.WithTemperature(0.2), nil)
			require.NoError(t, err)
			assert.Equal(t, "ok", resp.Choices[0].Content)
			assert.Equal(t, []string{"cheap:ok"}, codes(sink.last()))
			assert.Len(t, srvs[0].Requests(), 1)
		})
	}
}

func panics(v any) func(context.Context, *llms.CallOptions) (*llms.ContentResponse, error) {
	return func(context.Context, *llms.CallOptions) (*llms.ContentResponse, error) { panic(v) }
}

// TestProviderPanic: a provider's panic, inline or in a hedge goroutine,
// becomes its attempt's error (ErrPanic, stack in the text), classed
// provider unavailable as a malformed answer is: retried on the same model
// when the plan retries (sequential), then the plan moves on.
func TestProviderPanic(t *testing.T) {
	tests := []struct {
		name  string
		opts  []llmrouter.Option
		want  []string
		calls int
	}{
		{"plain", nil, []string{"cheap:provider_unavailable", "mid:ok"}, 1},
		{"sequential", []llmrouter.Option{llmrouter.WithFallback(llmrouter.Fallback{
			Clock: routertest.NewClock(time.Now()).SetAutoAdvance(true), Rand: half})},
			[]string{"cheap:provider_unavailable", "cheap:provider_unavailable", "cheap:provider_unavailable", "mid:ok"}, 3},
		{"hedged", []llmrouter.Option{llmrouter.WithFallback(llmrouter.Fallback{
			Clock: routertest.NewClock(time.Now()), Hedge: llmrouter.Hedge{Delay: time.Hour}})},
			[]string{"cheap:provider_unavailable", "mid:ok"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cheap := &funcProvider{card: cheapCard, fn: panics("boom")}
			sink := &lastSink{}
			r, err := llmrouter.New([]llmrouter.Provider{cheap, routertest.NewProvider(midCard, ok("m"))},
				append(tt.opts, llmrouter.WithSink(sink))...)
			require.NoError(t, err)
			resp, err := r.GenerateContent(context.Background(), human("hi"))
			require.NoError(t, err)
			assert.Equal(t, "m", resp.Choices[0].Content)
			d := sink.last()
			assert.Equal(t, tt.want, codes(d), d.Explain())
			e := d.Attempts[0].Err
			assert.ErrorIs(t, e, llmrouter.ErrPanic)
			assert.ErrorIs(t, e, llms.ErrProviderUnavailable)
			assert.Contains(t, e.Error(), "provider cheap panicked: boom")
			assert.Contains(t, e.Error(), "panic_test.go", "the stack is in the error")
			assert.Equal(t, tt.calls, cheap.calls())
		})
	}
	t.Run("every model panics: AllFailedError", func(t *testing.T) {
		r, err := llmrouter.New([]llmrouter.Provider{&funcProvider{card: cheapCard, fn: panics(errors.New("bad"))}},
			llmrouter.WithFallback(llmrouter.Fallback{Clock: routertest.NewClock(time.Now()).SetAutoAdvance(true), Rand: half}))
		require.NoError(t, err)
		_, err = r.GenerateContent(context.Background(), human("hi"))
		assert.ErrorIs(t, err, llmrouter.ErrAllFailed)
		assert.ErrorIs(t, err, llmrouter.ErrPanic)
	})
}

// TestVerifierAndErrorClassifierPanic: panics in a verifier or an error
// classifier fail the attempt, not the process.
func TestVerifierAndErrorClassifierPanic(t *testing.T) {
	boomOnCheap := llmrouter.VerifierFunc(func(_ context.Context, a *llmrouter.Answer) error {
		if a.Model == "cheap" {
			panic("verifier boom")
		}
		return nil
	})
	badClassifier := func(error) llms.ErrorCode { panic("classifier boom") }
	tests := []struct {
		name    string
		fb      llmrouter.Fallback
		opts    []llmrouter.Option
		cheap   []routertest.Response
		message string
		blank   bool // the panic ended the attempt: nothing it wrote before is kept (no start, latency, usage or cost)
	}{
		{name: "verifier, sequential", fb: llmrouter.Fallback{Verifier: boomOnCheap}, message: "verifier panicked: verifier boom"},
		{name: "verifier, hedged", fb: llmrouter.Fallback{Verifier: boomOnCheap, Clock: routertest.NewClock(time.Now()), Hedge: llmrouter.Hedge{Delay: time.Hour}},
			message: "verifier panicked: verifier boom"},
		{name: "error classifier, hedged", fb: llmrouter.Fallback{Clock: routertest.NewClock(time.Now()), Hedge: llmrouter.Hedge{Delay: time.Hour}},
			opts: []llmrouter.Option{llmrouter.WithErrorClassifier(badClassifier)}, cheap: []routertest.Response{fail(errors.New("odd"))},
			message: "panicked: classifier boom", blank: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := &lastSink{}
			r, err := llmrouter.New([]llmrouter.Provider{routertest.NewProvider(cheapCard, tt.cheap...), routertest.NewProvider(midCard, ok("m"))},
				append(tt.opts, llmrouter.WithFallback(tt.fb), llmrouter.WithSink(sink))...)
			require.NoError(t, err)
			resp, err := r.GenerateContent(context.Background(), human("hi"))
			require.NoError(t, err)
			assert.Equal(t, "m", resp.Choices[0].Content)
			d := sink.last()
			assert.Equal(t, []string{"cheap:unknown", "mid:ok"}, codes(d), d.Explain())
			assert.ErrorIs(t, d.Attempts[0].Err, llmrouter.ErrPanic)
			assert.Contains(t, d.Attempts[0].Err.Error(), tt.message)
			if a := d.Attempts[0]; tt.blank {
				assert.True(t, a.Start.IsZero(), "start %v", a.Start)
				assert.Zero(t, a.Latency)
				assert.Zero(t, a.Usage)
				assert.Zero(t, a.Cost)
			} else {
				assert.False(t, a.Start.IsZero())
			}
		})
	}
}

// A verifier that panics is the router's side's fault, not the model's: it
// must not open the model's breaker, however often it happens.
func TestVerifierPanicSparesTheBreaker(t *testing.T) {
	boom := llmrouter.VerifierFunc(func(context.Context, *llmrouter.Answer) error { panic("verifier boom") })
	cheap := routertest.NewProvider(cheapCard)
	r, err := llmrouter.New([]llmrouter.Provider{cheap},
		llmrouter.WithFallback(llmrouter.Fallback{Verifier: boom, Breaker: breaker.Settings{ConsecutiveFailures: 2}}))
	require.NoError(t, err)
	for i := range 5 {
		_, err := r.GenerateContent(context.Background(), human("hi"))
		require.ErrorIs(t, err, llmrouter.ErrPanic, "call %d", i)
	}
	assert.Equal(t, 5, cheap.CallCount(), "no call was refused by an open breaker")
	assert.Equal(t, breaker.Closed, r.Breakers().Breaker("cheap").Stats(time.Now()).State)
}

// TestRouteStagePanic: a panicking analyzer, classifier or policy fails
// Route and GenerateContent with an error naming the stage.
func TestRouteStagePanic(t *testing.T) {
	tests := []struct {
		stage string
		opt   llmrouter.Option
	}{
		{"analyzer", llmrouter.WithAnalyzer(llmrouter.AnalyzerFunc(func(*llmrouter.Request, *llmrouter.Features) { panic("a") }))},
		{"classifier", llmrouter.WithClassifier(llmrouter.ClassifierFunc(func(context.Context, *llmrouter.Features, []llmrouter.ModelCard, *llmrouter.Prediction) error {
			panic("c")
		}))},
		{"policy", llmrouter.WithPolicy(llmrouter.PolicyFunc(func(*llmrouter.Routing) error { panic("p") }))},
	}
	for _, tt := range tests {
		t.Run(tt.stage, func(t *testing.T) {
			p := routertest.NewProvider(cheapCard)
			r, err := llmrouter.New([]llmrouter.Provider{p}, tt.opt)
			require.NoError(t, err)
			_, err = r.Route(context.Background(), human("hi"))
			require.ErrorIs(t, err, llmrouter.ErrPanic)
			assert.Contains(t, err.Error(), "llmrouter: "+tt.stage+": "+tt.stage+" panicked")
			_, err = r.GenerateContent(context.Background(), human("hi"))
			require.ErrorIs(t, err, llmrouter.ErrPanic)
			assert.Zero(t, p.CallCount())
		})
	}
}

// syncBuffer is a bytes.Buffer safe for the log package's writer.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestSinkPanic: a panicking sink neither fails the call nor keeps the
// other sinks from the decision; the panic is logged with its stack.
func TestSinkPanic(t *testing.T) {
	var logged syncBuffer
	out, flags := log.Writer(), log.Flags()
	log.SetOutput(&logged)
	defer func() { log.SetOutput(out); log.SetFlags(flags) }()

	bad := llmrouter.SinkFunc(func(*llmrouter.Decision) { panic("sink boom") })
	after := &lastSink{}
	r, err := llmrouter.New([]llmrouter.Provider{routertest.NewProvider(cheapCard, ok("a"), fail(routertest.ErrUnauthorized))},
		llmrouter.WithSink(bad, after))
	require.NoError(t, err)

	resp, err := r.GenerateContent(context.Background(), human("hi"))
	require.NoError(t, err, "an answered call stays answered")
	assert.Equal(t, "a", resp.Choices[0].Content)
	require.NotNil(t, after.last(), "the next sink still gets the decision")
	id := after.last().ID

	_, err = r.GenerateContent(context.Background(), human("hi"))
	require.ErrorIs(t, err, llmrouter.ErrAllFailed, "a failed call keeps its own error")
	assert.NotErrorIs(t, err, llmrouter.ErrPanic)

	text := logged.String()
	assert.Contains(t, text, "llmrouter: sink llmrouter.SinkFunc panicked on decision "+id+": sink boom")
	assert.Contains(t, text, "panic_test.go", "the stack is logged")
}

// WithSink(nil) (a sink left unset in the caller's config) is ignored:
// it used to log a nil-pointer panic with its stack on every request.
func TestNilSinkIgnored(t *testing.T) {
	var logged syncBuffer
	out, flags := log.Writer(), log.Flags()
	log.SetOutput(&logged)
	defer func() { log.SetOutput(out); log.SetFlags(flags) }()

	var typedNil *llmrouter.FeedbackLog
	after := &lastSink{}
	r, err := llmrouter.New([]llmrouter.Provider{routertest.NewProvider(cheapCard, ok("a"))},
		llmrouter.WithSink(nil, typedNil, after))
	require.NoError(t, err)
	_, err = r.GenerateContent(context.Background(), human("hi"))
	require.NoError(t, err)
	require.NotNil(t, after.last(), "the other sinks still get the decision")
	assert.Empty(t, logged.String())
}

// A half-open breaker's probe whose answer the verifier panicked on must
// not hold the probe slot: the model answered, so the next request may
// call it. The probe's outcome used to go unrecorded, so the model was
// refused as cooling down for ProbeTimeout (a minute by default).
func TestVerifierPanicOnProbeFreesTheBreaker(t *testing.T) {
	var panicking atomic.Bool
	v := llmrouter.VerifierFunc(func(_ context.Context, a *llmrouter.Answer) error {
		if a.Model == "cheap" && panicking.CompareAndSwap(true, false) {
			panic("verifier boom")
		}
		return nil
	})
	clock := routertest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	cheap := routertest.NewProvider(cheapCard, fail(routertest.ErrUnavailable), fail(routertest.ErrUnavailable), ok("c"))
	mid := routertest.NewProvider(midCard, ok("m"))
	r, err := llmrouter.New([]llmrouter.Provider{cheap, mid}, llmrouter.WithClock(clock),
		llmrouter.WithFallback(llmrouter.Fallback{MaxRetries: -1, Rand: half, Verifier: v,
			Breaker: breaker.Settings{ConsecutiveFailures: 2, Cooldown: time.Second}}))
	require.NoError(t, err)
	answered := func() string {
		resp, err := r.GenerateContent(context.Background(), human("hi"))
		require.NoError(t, err)
		d, _ := llmrouter.DecisionFrom(resp)
		return d.Answered
	}
	require.Equal(t, "mid", answered())
	require.Equal(t, "mid", answered())
	require.Equal(t, breaker.Open, r.Breakers().Breaker("cheap").Stats(clock.Now()).State)
	clock.Advance(time.Second) // half-open: the next request probes cheap
	panicking.Store(true)
	assert.Equal(t, "mid", answered(), "the verifier panicked on cheap's answer")
	assert.Equal(t, "cheap", answered(), "cheap answered the probe: it is not cooling down")
	assert.Equal(t, 4, cheap.CallCount())
}

// panicStarter is a policy whose call hook panics before the call (start)
// or in the function that receives the finished decision.
type panicStarter struct{ start bool }

func (panicStarter) Apply(*llmrouter.Routing) error { return nil }

func (p panicStarter) StartCall(context.Context, *llmrouter.Decision, llmrouter.Hints) (func(*llmrouter.Decision), error) {
	if p.start {
		panic("start boom")
	}
	return func(*llmrouter.Decision) { panic("done boom") }, nil
}

// A policy's StartCall hook is part of the policy: its panic fails the
// call with an error naming the stage, and the hooks started before it
// are finished; a panic in the function that receives the finished
// decision is logged, as a sink's is, and neither replaces the call's
// outcome nor keeps the other hooks and the sinks from the decision. Both
// used to unwind through GenerateContent into the caller.
func TestStartCallPanic(t *testing.T) {
	var logged syncBuffer
	out, flags := log.Writer(), log.Flags()
	log.SetOutput(&logged)
	defer func() { log.SetOutput(out); log.SetFlags(flags) }()
	for _, tc := range []struct {
		name  string
		start bool
	}{{"StartCall panics", true}, {"done panics", false}} {
		t.Run(tc.name, func(t *testing.T) {
			first := &starterPolicy{}
			p := routertest.NewProvider(cheapCard, ok("a"))
			sink := &lastSink{}
			r, err := llmrouter.New([]llmrouter.Provider{p}, llmrouter.WithSink(sink),
				llmrouter.WithPolicy(llmrouter.DefaultPolicy(first, panicStarter{start: tc.start}, llmrouter.CheapestAdequate{})))
			require.NoError(t, err)
			var resp *llms.ContentResponse
			require.NotPanics(t, func() { resp, err = r.GenerateContent(context.Background(), human("hi")) })
			require.NotNil(t, sink.last(), "the decision reaches the sinks")
			require.Len(t, first.done, 1, "the hook started before is finished")
			if tc.start {
				require.ErrorIs(t, err, llmrouter.ErrPanic)
				assert.Contains(t, err.Error(), "llmrouter: policy: StartCall of llmrouter_test.panicStarter panicked: start boom")
				assert.Zero(t, p.CallCount())
				assert.ErrorIs(t, sink.last().Err, llmrouter.ErrPanic)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "a", resp.Choices[0].Content)
			assert.Contains(t, logged.String(), "done boom")
		})
	}
}

// A classifier that replaces Prediction.Quality with a slice of another
// length (rather than writing in place) fails the request with an error
// saying so; Route used to panic with an index out of range, outside any
// recover, taking the caller down.
func TestClassifierQualityLength(t *testing.T) {
	for _, n := range []int{0, 1, 3} {
		cl := llmrouter.ClassifierFunc(func(_ context.Context, _ *llmrouter.Features, _ []llmrouter.ModelCard, p *llmrouter.Prediction) error {
			p.Quality = make([]float64, n)
			return nil
		})
		r, err := llmrouter.New([]llmrouter.Provider{routertest.NewProvider(cheapCard), routertest.NewProvider(midCard)}, llmrouter.WithClassifier(cl))
		require.NoError(t, err)
		require.NotPanics(t, func() { _, err = r.Route(context.Background(), human("hi")) }, "%d entries", n)
		assert.EqualError(t, err, fmt.Sprintf("llmrouter: classifier: Prediction.Quality has %d entries for the router's 2 models (write in place, NaN for no opinion)", n))
	}
}
