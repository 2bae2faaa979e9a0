package llmrouter_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/breaker"
	"github.com/llmrouter/llmrouter/internal/errclass"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// half is the injected jitter: every backoff delay is half its ceiling.
func half() float64 { return 0.5 }

// resilient builds a router over cheap, mid and strong fakes answering the
// scripts, with fb (its Clock and Rand defaulted to an auto-advancing fake
// clock and half).
func resilient(t testing.TB, fb llmrouter.Fallback, scripts ...[]routertest.Response) (*llmrouter.Router, []*routertest.Provider, *routertest.Clock) {
	r, fakes, clock, _ := resilientSink(t, fb, scripts...)
	return r, fakes, clock
}

// resilientSink is resilient, also returning a sink holding the last
// decision.
func resilientSink(t testing.TB, fb llmrouter.Fallback, scripts ...[]routertest.Response) (*llmrouter.Router, []*routertest.Provider, *routertest.Clock, *lastSink) {
	t.Helper()
	clock, _ := fb.Clock.(*routertest.Clock)
	if clock == nil {
		clock = routertest.NewClock(time.Now()).SetAutoAdvance(true)
		fb.Clock = clock
	}
	if fb.Rand == nil {
		fb.Rand = half
	}
	cards := []llmrouter.ModelCard{cheapCard, midCard, strongCard}
	fakes := make([]*routertest.Provider, 3)
	ps := make([]llmrouter.Provider, 3)
	for i, c := range cards {
		var script []routertest.Response
		if i < len(scripts) {
			script = scripts[i]
		}
		fakes[i] = routertest.NewProvider(c, script...).WithClock(clock)
		ps[i] = fakes[i]
	}
	sink := &lastSink{}
	r, err := llmrouter.New(ps, llmrouter.WithFallback(fb), llmrouter.WithClock(clock), llmrouter.WithSink(sink))
	require.NoError(t, err)
	return r, fakes, clock, sink
}

func fail(err error) routertest.Response { return routertest.Fail(err) }

func ok(text string) routertest.Response {
	return routertest.Response{Text: text, InputTokens: 10, OutputTokens: 5}
}

// decisionOf returns the decision of a call, from its response or, for a
// failed call, from the sink.
type lastSink struct {
	mu sync.Mutex
	d  *llmrouter.Decision
}

func (s *lastSink) Record(d *llmrouter.Decision) { s.mu.Lock(); s.d = d; s.mu.Unlock() }
func (s *lastSink) last() *llmrouter.Decision    { s.mu.Lock(); defer s.mu.Unlock(); return s.d }

func codes(d *llmrouter.Decision) []string {
	var out []string
	for _, a := range d.Attempts {
		switch {
		case a.Skipped != "":
			out = append(out, a.Model+":skipped")
		case a.Rejected != "":
			out = append(out, a.Model+":rejected")
		case a.Err != nil:
			out = append(out, a.Model+":"+string(a.Code))
		default:
			out = append(out, a.Model+":ok")
		}
	}
	return out
}

func TestPerErrorPolicy(t *testing.T) {
	bigCheap := cheapCard
	bigCheap.ContextWindow = 64000 // larger than mid's 32000
	tests := []struct {
		name     string
		fb       llmrouter.Fallback
		scripts  [][]routertest.Response
		cheap    *llmrouter.ModelCard
		want     []string // attempts, model:code
		answered string
		is       []error
		waits    []time.Duration
		next     []string // Attempt.Next, in order
	}{
		{
			name:     "rate limit: retried after the Retry-After hint, then answered",
			scripts:  [][]routertest.Response{{fail(errors.New("API returned unexpected status code: 429: Rate limit reached. Please try again in 2s.")), ok("a")}},
			want:     []string{"cheap:rate_limit", "cheap:ok"},
			answered: "cheap",
			waits:    []time.Duration{0, 2 * time.Second}, // max(125ms jitter, 2s hint)
			next:     []string{"retry in 2s", ""},
		},
		{
			name:     "5xx: two retries with backoff, then the next model",
			scripts:  [][]routertest.Response{{fail(routertest.ErrUnavailable), fail(routertest.ErrServer)}, {ok("m")}},
			want:     []string{"cheap:provider_unavailable", "cheap:provider_unavailable", "cheap:provider_unavailable", "mid:ok"},
			answered: "mid",
			waits:    []time.Duration{0, 125 * time.Millisecond, 250 * time.Millisecond, 0},
			next:     []string{"retry in 125ms", "retry in 250ms", "next model: 2 retries spent", ""},
		},
		{
			name:     "timeout text: retried",
			scripts:  [][]routertest.Response{{fail(errors.New("Post \"https://api.openai.com/v1/chat/completions\": net/http: request canceled (Client.Timeout exceeded while awaiting headers)")), ok("a")}},
			want:     []string{"cheap:timeout", "cheap:ok"},
			answered: "cheap",
		},
		{
			name:     "MaxRetries -1: no retry",
			fb:       llmrouter.Fallback{MaxRetries: -1},
			scripts:  [][]routertest.Response{{fail(routertest.ErrServer)}, {ok("m")}},
			want:     []string{"cheap:provider_unavailable", "mid:ok"},
			answered: "mid",
			next:     []string{"next model: 0 retries spent", ""},
		},
		{
			name:    "authentication: stop",
			scripts: [][]routertest.Response{{fail(routertest.ErrUnauthorized)}},
			want:    []string{"cheap:authentication"},
			is:      []error{llmrouter.ErrAllFailed, llms.ErrAuthentication, routertest.ErrUnauthorized},
			next:    []string{"stop"},
		},
		{
			name:    "invalid request: stop",
			scripts: [][]routertest.Response{{fail(errors.New("API returned unexpected status code: 400: Invalid value for 'temperature'"))}},
			want:    []string{"cheap:invalid_request"},
			is:      []error{llmrouter.ErrAllFailed, llms.ErrInvalidRequest},
		},
		{
			name:     "context length: next model with a larger window",
			scripts:  [][]routertest.Response{{fail(routertest.ErrContextLength)}, {ok("m")}},
			want:     []string{"cheap:token_limit", "mid:ok"},
			answered: "mid",
			next:     []string{"next model with a context window over 8000", ""},
		},
		{
			name:     "context length: smaller windows skipped",
			cheap:    &bigCheap,
			scripts:  [][]routertest.Response{{fail(routertest.ErrContextLength)}, {ok("m")}, {ok("s")}},
			want:     []string{"cheap:token_limit", "mid:skipped", "strong:ok"},
			answered: "strong",
		},
		{
			name:     "content filter: next model by default",
			scripts:  [][]routertest.Response{{fail(routertest.ErrContentFilter)}, {ok("m")}},
			want:     []string{"cheap:content_filter", "mid:ok"},
			answered: "mid",
		},
		{
			name:    "content filter: stop when configured",
			fb:      llmrouter.Fallback{Actions: map[llms.ErrorCode]llmrouter.Action{llms.ErrCodeContentFilter: llmrouter.ActionStop}},
			scripts: [][]routertest.Response{{fail(routertest.ErrContentFilter)}, {ok("m")}},
			want:    []string{"cheap:content_filter"},
			is:      []error{llmrouter.ErrAllFailed, llms.ErrContentFilter},
		},
		{
			name:     "quota: next model, no retry",
			scripts:  [][]routertest.Response{{fail(routertest.ErrQuota)}, {ok("m")}},
			want:     []string{"cheap:quota_exceeded", "mid:ok"},
			answered: "mid",
		},
		{
			name:     "unknown: next model",
			scripts:  [][]routertest.Response{{fail(errors.New("something odd"))}, {ok("m")}},
			want:     []string{"cheap:unknown", "mid:ok"},
			answered: "mid",
		},
		{
			name:     "Retry-After beyond MaxRetryWait: next model at once",
			scripts:  [][]routertest.Response{{fail(errors.New("API returned unexpected status code: 429: Rate limit reached. Please try again in 30s.")), ok("a")}, {ok("m")}},
			want:     []string{"cheap:rate_limit", "mid:ok"},
			answered: "mid",
			next:     []string{"next model: retry in 30s exceeds the 10s limit", ""},
		},
		{
			name:    "every model fails: the aggregate lists each, matches the last",
			fb:      llmrouter.Fallback{MaxRetries: -1},
			scripts: [][]routertest.Response{{fail(routertest.ErrServer)}, {fail(routertest.ErrRateLimited)}, {fail(routertest.ErrQuota)}},
			want:    []string{"cheap:provider_unavailable", "mid:rate_limit", "strong:quota_exceeded"},
			is:      []error{llmrouter.ErrAllFailed, llms.ErrQuotaExceeded, routertest.ErrQuota}, // TestAggregateErrorMatches: not the earlier ones
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r *llmrouter.Router
			var sink *lastSink
			if tt.cheap != nil {
				clock := routertest.NewClock(time.Now()).SetAutoAdvance(true)
				fb := tt.fb
				fb.Clock, fb.Rand = clock, half
				ps := []llmrouter.Provider{
					routertest.NewProvider(*tt.cheap, tt.scripts[0]...),
					routertest.NewProvider(midCard, tt.scripts[1]...),
					routertest.NewProvider(strongCard, tt.scripts[2]...),
				}
				sink = &lastSink{}
				var err error
				r, err = llmrouter.New(ps, llmrouter.WithFallback(fb), llmrouter.WithSink(sink), llmrouter.WithClock(clock))
				require.NoError(t, err)
			} else {
				r, _, _, sink = resilientSink(t, tt.fb, tt.scripts...)
			}
			resp, err := r.GenerateContent(context.Background(), human("hi"))
			d := sink.last()
			require.NotNil(t, d)
			assert.Equal(t, tt.want, codes(d), d.Explain())
			if tt.answered != "" {
				require.NoError(t, err)
				assert.Equal(t, tt.answered, d.Answered)
				assert.NotEmpty(t, resp.Choices[0].Content)
			} else {
				require.Error(t, err)
				assert.Empty(t, d.Answered)
			}
			for _, target := range tt.is {
				assert.ErrorIs(t, err, target)
			}
			if tt.waits != nil {
				var got []time.Duration
				for _, a := range d.Attempts {
					got = append(got, a.Wait)
				}
				assert.Equal(t, tt.waits, got)
			}
			if tt.next != nil {
				var got []string
				for _, a := range d.Attempts {
					got = append(got, a.Next)
				}
				assert.Equal(t, tt.next, got)
			}
			for i, a := range d.Attempts {
				if a.Err != nil && a.Skipped == "" {
					assert.NotEmpty(t, a.Code, "attempt %d", i)
					var le *llms.Error
					assert.ErrorAs(t, a.Err, &le, "attempt %d is an *llms.Error", i)
				}
			}
		})
	}
}

func TestRetryRespectsDeadline(t *testing.T) {
	// The fake clock reads the real time at creation and never moves by
	// itself, so a real deadline compares sensibly with it.
	r, fakes, _ := resilient(t, llmrouter.Fallback{}, []routertest.Response{fail(routertest.ErrServer), ok("c")}, []routertest.Response{ok("m")})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond) // < the 125ms backoff
	defer cancel()
	resp, err := r.GenerateContent(ctx, human("hi"))
	require.NoError(t, err)
	d, _ := llmrouter.DecisionFrom(resp)
	assert.Equal(t, []string{"cheap:provider_unavailable", "mid:ok"}, codes(d))
	assert.Equal(t, "next model: a retry in 125ms would not fit the deadline", d.Attempts[0].Next)
	assert.Equal(t, 1, fakes[0].CallCount())
}

func TestAttemptTimeout(t *testing.T) {
	clock := routertest.NewClock(time.Now())
	r, fakes, _ := resilient(t, llmrouter.Fallback{Clock: clock, AttemptTimeout: 5 * time.Second, MaxRetries: -1},
		[]routertest.Response{{Block: true}}, []routertest.Response{ok("m")})
	done := make(chan error, 1)
	var resp *llms.ContentResponse
	go func() {
		var err error
		resp, err = r.GenerateContent(context.Background(), human("hi"))
		done <- err
	}()
	require.True(t, routertest.Eventually(func() bool { return fakes[0].CallCount() == 1 }))
	require.True(t, clock.WaitForWaiters(1), "the attempt timeout waits on the clock")
	clock.Advance(5 * time.Second)
	require.NoError(t, <-done)
	d, _ := llmrouter.DecisionFrom(resp)
	assert.Equal(t, []string{"cheap:timeout", "mid:ok"}, codes(d))
	assert.ErrorIs(t, d.Attempts[0].Err, llms.ErrTimeout)
	assert.NotErrorIs(t, d.Attempts[0].Err, context.Canceled, "the router's timeout is not a cancellation")
	assert.Contains(t, d.Attempts[0].Err.Error(), "attempt timed out after 5s: context canceled", "what the provider returned, as text")
	assert.Equal(t, 1, r.Breakers().Breaker("cheap").Stats(clock.Now()).Failures, "a timeout counts against the model, whatever the clock")
}

func TestCancellationStopsWithFallback(t *testing.T) {
	r, fakes, _ := resilient(t, llmrouter.Fallback{}, []routertest.Response{{Block: true}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := r.GenerateContent(ctx, human("hi"))
		done <- err
	}()
	require.True(t, routertest.Eventually(func() bool { return fakes[0].CallCount() == 1 }))
	cancel()
	err := <-done
	require.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, llms.ErrCanceled)
	assert.Equal(t, 1, fakes[0].CallCount(), "no retry after the caller cancelled")
	assert.Zero(t, fakes[1].CallCount())
	st := r.Breakers().Breaker("cheap").Stats(time.Now())
	assert.Zero(t, st.Failures+st.ConsecutiveFailures, "the caller's cancellation does not count against the model")
}

func TestCircuitBreaker(t *testing.T) {
	sink := &lastSink{}
	clock := routertest.NewClock(time.Now()).SetAutoAdvance(true)
	cheap := routertest.NewProvider(cheapCard, fail(routertest.ErrServer), fail(routertest.ErrServer), ok("c"))
	mid := routertest.NewProvider(midCard)
	r, err := llmrouter.New([]llmrouter.Provider{cheap, mid, routertest.NewProvider(strongCard)},
		llmrouter.WithSink(sink), llmrouter.WithClock(clock),
		llmrouter.WithFallback(llmrouter.Fallback{Clock: clock, Rand: half, MaxRetries: -1,
			Breaker: breaker.Settings{ConsecutiveFailures: 2, Cooldown: time.Minute}}))
	require.NoError(t, err)
	ctx := context.Background()
	for range 2 {
		_, err := r.GenerateContent(ctx, human("hi"))
		require.NoError(t, err)
	}
	assert.Equal(t, breaker.Open, r.Breakers().Breaker("cheap").Stats(clock.Now()).State)

	_, err = r.GenerateContent(ctx, human("hi"))
	require.NoError(t, err)
	d := sink.last()
	assert.Equal(t, []string{"cheap:skipped", "mid:ok"}, codes(d))
	assert.Contains(t, d.Attempts[0].Skipped, "cooling down until")
	assert.Contains(t, d.Explain(), "skipped: cooling down until")
	assert.Equal(t, 2, cheap.CallCount(), "a cooling model is not called")

	clock.Advance(time.Minute) // half-open: one probe
	_, err = r.GenerateContent(ctx, human("hi"))
	require.NoError(t, err)
	assert.Equal(t, []string{"cheap:ok"}, codes(sink.last()))
	assert.Equal(t, breaker.Closed, r.Breakers().Breaker("cheap").Stats(clock.Now()).State)
}

func TestAllCoolingDown(t *testing.T) {
	setup := func(t *testing.T, fb llmrouter.Fallback) (*llmrouter.Router, *routertest.Clock) {
		clock := routertest.NewClock(time.Now()).SetAutoAdvance(true)
		fb.Clock, fb.Rand, fb.MaxRetries = clock, half, -1
		fb.Breaker = breaker.Settings{ConsecutiveFailures: 1, Cooldown: 30 * time.Second}
		p := routertest.NewProvider(cheapCard, fail(routertest.ErrServer), ok("back"))
		r, err := llmrouter.New([]llmrouter.Provider{p}, llmrouter.WithFallback(fb), llmrouter.WithClock(clock))
		require.NoError(t, err)
		_, err = r.GenerateContent(context.Background(), human("hi"))
		require.ErrorIs(t, err, llmrouter.ErrAllFailed)
		return r, clock
	}
	t.Run("fail fast, saying when", func(t *testing.T) {
		r, clock := setup(t, llmrouter.Fallback{})
		start := clock.Now()
		_, err := r.GenerateContent(context.Background(), human("hi"))
		require.ErrorIs(t, err, llmrouter.ErrAllCoolingDown)
		var cd *llmrouter.CoolingDownError
		require.ErrorAs(t, err, &cd)
		assert.Equal(t, []string{"cheap"}, cd.Models)
		assert.Equal(t, 30*time.Second, cd.RetryIn)
		assert.Equal(t, start.Add(30*time.Second), cd.Until)
		assert.Contains(t, err.Error(), "the first is back in 30s")
		d, ok := errclass.RetryAfter(err)
		assert.True(t, ok)
		assert.Equal(t, 30*time.Second, d)
	})
	t.Run("wait when configured", func(t *testing.T) {
		r, clock := setup(t, llmrouter.Fallback{WaitForCooldown: true})
		start := clock.Now()
		resp, err := r.GenerateContent(context.Background(), human("hi"))
		require.NoError(t, err)
		assert.Equal(t, "back", resp.Choices[0].Content)
		assert.Equal(t, 30*time.Second, clock.Now().Sub(start))
		d, _ := llmrouter.DecisionFrom(resp)
		assert.Equal(t, []string{"cheap:skipped", "cheap:ok"}, codes(d))
	})
	t.Run("no wait past the deadline", func(t *testing.T) {
		r, _ := setup(t, llmrouter.Fallback{WaitForCooldown: true})
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := r.GenerateContent(ctx, human("hi"))
		require.ErrorIs(t, err, llmrouter.ErrAllCoolingDown)
	})
}

func TestVerifierEscalation(t *testing.T) {
	refusal := "I'm sorry, but I can't help with that."
	tests := []struct {
		name      string
		costLimit bool // MaxCost admits mid's estimate alone, not after cheap's spend
		opts      []llms.CallOption
		scripts   [][]routertest.Response
		want      []string
		answered  string
		rejected  string // RejectedError's model when all are rejected
		reason    string // first attempt's Rejected
	}{
		{name: "empty answer escalates", scripts: [][]routertest.Response{{{Text: "  "}}, {ok("m")}},
			want: []string{"cheap:rejected", "mid:ok"}, answered: "mid", reason: "empty answer"},
		{name: "refusal escalates", scripts: [][]routertest.Response{{{Text: refusal}}, {ok("m")}},
			want: []string{"cheap:rejected", "mid:ok"}, answered: "mid", reason: `refusal ("i'm sorry, but i can't")`},
		{name: "invalid JSON in JSON mode escalates", opts: []llms.CallOption{llms.WithJSONMode()},
			scripts: [][]routertest.Response{{{Text: `{"a": 1`}}, {{Text: "```json\n{\"a\": 1}\n```"}}},
			want:    []string{"cheap:rejected", "mid:ok"}, answered: "mid", reason: "invalid JSON in JSON mode"},
		{name: "plain text without JSON mode is fine", scripts: [][]routertest.Response{{{Text: `{"a": 1`}}},
			want: []string{"cheap:ok"}, answered: "cheap"},
		{name: "bad tool-call arguments escalate", scripts: [][]routertest.Response{
			{{ToolCalls: []llms.ToolCall{{ID: "1", Type: "function", FunctionCall: &llms.FunctionCall{Name: "f", Arguments: `{"x":`}}}}},
			{{ToolCalls: []llms.ToolCall{{ID: "1", Type: "function", FunctionCall: &llms.FunctionCall{Name: "f", Arguments: `{"x":1}`}}}}}},
			want: []string{"cheap:rejected", "mid:ok"}, answered: "mid", reason: `tool call "f": arguments are not valid JSON`},
		{name: "escalation stops at the cost limit", costLimit: true,
			scripts: [][]routertest.Response{{{Text: " ", InputTokens: 100, OutputTokens: 100}}, {ok("m")}},
			want:    []string{"cheap:rejected", "mid:skipped"}, rejected: "cheap", reason: "empty answer"}, // strong: over the limit, not planned
		{name: "every answer rejected: the strongest one is returned in the error",
			scripts: [][]routertest.Response{{{Text: "\n"}}, {{Text: refusal}}, {{Text: " "}}},
			want:    []string{"cheap:rejected", "mid:rejected", "strong:rejected"}, rejected: "strong", reason: "empty answer"},
		{name: "an error after a rejection: next stronger model", scripts: [][]routertest.Response{{{Text: " "}}, {fail(routertest.ErrQuota)}, {ok("s")}},
			want: []string{"cheap:rejected", "mid:quota_exceeded", "strong:ok"}, answered: "strong"},
	}
	// Empty and white-space answers fail before the verifier sees them
	// unless Fallback.AllowEmptyAnswers, which these cases set so that
	// RejectEmpty's escalation is exercised.
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _, _, sink := resilientSink(t, llmrouter.Fallback{Verifier: llmrouter.DefaultVerifier, AllowEmptyAnswers: true}, tt.scripts...)
			ctx := context.Background()
			if tt.costLimit {
				rd, err := r.Route(ctx, human("hi"))
				require.NoError(t, err)
				// cheap's answer costs $0.00005; the limit leaves $0.00002
				// beyond mid's estimate.
				ctx = llmrouter.WithHints(ctx, llmrouter.Hints{MaxCost: rd.Candidates[1].Cost + 0.00002})
			}
			_, err := r.GenerateContent(ctx, human("hi"), tt.opts...)
			d := sink.last()
			require.NotNil(t, d)
			assert.Equal(t, tt.want, codes(d), d.Explain())
			if tt.reason != "" {
				assert.Equal(t, tt.reason, d.Attempts[0].Rejected)
				assert.Equal(t, "escalate", d.Attempts[0].Next)
			}
			if tt.answered != "" {
				require.NoError(t, err)
				assert.Equal(t, tt.answered, d.Answered)
				return
			}
			require.ErrorIs(t, err, llmrouter.ErrRejected)
			var re *llmrouter.RejectedError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.rejected, re.Model)
			require.NotNil(t, re.Response)
			assert.Same(t, d, re.Decision)
			if tt.costLimit {
				assert.Contains(t, d.Attempts[1].Skipped, "escalation over the cost limit")
				assert.Contains(t, d.Explain(), "escalation over the cost limit")
			}
		})
	}
}

func TestVerifierFuncAndBuiltins(t *testing.T) {
	answer := func(text string, opts *llms.CallOptions, calls ...llms.ToolCall) *llmrouter.Answer {
		return &llmrouter.Answer{Model: "m", Options: opts, Response: &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: text, ToolCalls: calls}}}}
	}
	jsonMode := &llms.CallOptions{JSONMode: true}
	tests := []struct {
		name   string
		v      llmrouter.Verifier
		a      *llmrouter.Answer
		reject bool
	}{
		{"empty", llmrouter.RejectEmpty, answer(" \n", nil), true},
		{"not empty", llmrouter.RejectEmpty, answer("x", nil), false},
		{"tool call only is not empty", llmrouter.RejectEmpty, answer("", nil, llms.ToolCall{FunctionCall: &llms.FunctionCall{Name: "f"}}), false},
		{"refusal", llmrouter.RejectRefusal, answer("I apologize, but I cannot do that.", nil), true},
		{"refusal late in a long text is not one", llmrouter.RejectRefusal, answer(strings.Repeat("x", 300)+" i can't help with that", nil), false},
		{"json ok", llmrouter.RejectInvalidJSON, answer(`[1,2]`, jsonMode), false},
		{"json fenced", llmrouter.RejectInvalidJSON, answer("```json\n{}\n```", jsonMode), false},
		{"json bad", llmrouter.RejectInvalidJSON, answer(`{`, jsonMode), true},
		{"json by MIME type", llmrouter.RejectInvalidJSON, answer(`nope`, &llms.CallOptions{ResponseMIMEType: "application/json"}), true},
		{"tool no name", llmrouter.RejectInvalidToolCalls, answer("", nil, llms.ToolCall{FunctionCall: &llms.FunctionCall{Arguments: "{}"}}), true},
		{"tool no args", llmrouter.RejectInvalidToolCalls, answer("", nil, llms.ToolCall{FunctionCall: &llms.FunctionCall{Name: "f"}}), false},
		{"user func", llmrouter.VerifierFunc(func(_ context.Context, a *llmrouter.Answer) error {
			if !strings.Contains(a.Text(), "42") {
				return errors.New("no answer number")
			}
			return nil
		}), answer("41", nil), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.v.Verify(context.Background(), tt.a)
			assert.Equal(t, tt.reject, err != nil, "%v", err)
		})
	}
}

func TestBufferedStreaming(t *testing.T) {
	cut := routertest.Response{Chunks: []string{"half an ", "answ"}, Err: routertest.ErrStreamCut}
	for _, mode := range []string{"router option", "per request"} {
		t.Run(mode, func(t *testing.T) {
			fb := llmrouter.Fallback{MaxRetries: -1, BufferStreams: mode == "router option"}
			r, fakes, _ := resilient(t, fb, []routertest.Response{cut}, []routertest.Response{{Text: "whole answer", Chunks: []string{"whole ", "answer"}}})
			ctx := context.Background()
			if mode == "per request" {
				ctx = llmrouter.WithHints(ctx, llmrouter.Hints{BufferStream: true})
			}
			var got []string
			resp, err := r.GenerateContent(ctx, human("hi"), llms.WithStreamingFunc(func(_ context.Context, c []byte) error {
				got = append(got, string(c))
				return nil
			}))
			require.NoError(t, err)
			assert.Equal(t, []string{"whole ", "answer"}, got, "only the winner's chunks")
			assert.Equal(t, "whole answer", resp.Choices[0].Content)
			assert.Equal(t, 1, fakes[1].CallCount())
			d, _ := llmrouter.DecisionFrom(resp)
			assert.Equal(t, []string{"cheap:provider_unavailable", "mid:ok"}, codes(d))
		})
	}
	t.Run("unbuffered: no fallback after text, no retry", func(t *testing.T) {
		r, fakes, _ := resilient(t, llmrouter.Fallback{}, []routertest.Response{cut})
		var got []string
		_, err := r.GenerateContent(context.Background(), human("hi"), llms.WithStreamingFunc(func(_ context.Context, c []byte) error {
			got = append(got, string(c))
			return nil
		}))
		require.ErrorIs(t, err, llmrouter.ErrStreamStarted)
		assert.ErrorIs(t, err, routertest.ErrStreamCut)
		assert.ErrorIs(t, err, llms.ErrProviderUnavailable)
		assert.Equal(t, []string{"half an ", "answ"}, got)
		assert.Equal(t, 1, fakes[0].CallCount())
		assert.Zero(t, fakes[1].CallCount())
	})
	t.Run("unbuffered: retry before any text", func(t *testing.T) {
		r, fakes, _ := resilient(t, llmrouter.Fallback{}, []routertest.Response{fail(routertest.ErrRateLimited), {Text: "ok", Chunks: []string{"o", "k"}}})
		var got []string
		_, err := r.GenerateContent(context.Background(), human("hi"), llms.WithStreamingFunc(func(_ context.Context, c []byte) error {
			got = append(got, string(c))
			return nil
		}))
		require.NoError(t, err)
		assert.Equal(t, []string{"o", "k"}, got)
		assert.Equal(t, 2, fakes[0].CallCount())
	})
}

func TestPlainExecutionUnchanged(t *testing.T) {
	// Without WithFallback: each model once, the next on any error except
	// the caller's, errors classified.
	r, fakes := threeModels(t, []routertest.Response{fail(routertest.ErrUnauthorized)}, []routertest.Response{fail(routertest.ErrServer)})
	resp, err := r.GenerateContent(context.Background(), human("hi"))
	require.NoError(t, err)
	d, _ := llmrouter.DecisionFrom(resp)
	assert.Equal(t, []string{"cheap:authentication", "mid:provider_unavailable", "strong:ok"}, codes(d))
	assert.ErrorIs(t, d.Attempts[0].Err, llms.ErrAuthentication)
	for _, f := range fakes {
		assert.Equal(t, 1, f.CallCount())
	}
	assert.Nil(t, r.Breakers())
}

func TestCustomErrorClassifier(t *testing.T) {
	teapot := errors.New("I'm a teapot")
	ec := func(err error) llms.ErrorCode {
		if errors.Is(err, teapot) {
			return llms.ErrCodeAuthentication
		}
		return llmrouter.ErrorCodeOf(err)
	}
	cheap := routertest.NewProvider(cheapCard, fail(teapot))
	r, err := llmrouter.New([]llmrouter.Provider{cheap, routertest.NewProvider(midCard)}, llmrouter.WithErrorClassifier(ec), llmrouter.WithFallback(llmrouter.Fallback{}))
	require.NoError(t, err)
	_, err = r.GenerateContent(context.Background(), human("hi"))
	require.ErrorIs(t, err, llms.ErrAuthentication)
	require.ErrorIs(t, err, teapot)
}
