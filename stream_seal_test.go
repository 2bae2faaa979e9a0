package llmrouter_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// sealCase is one unbuffered streaming request over cheap and mid whose
// attempts end while text is, or was just, on its way to the caller.
type sealCase struct {
	name  string
	fb    llmrouter.Fallback // Clock is set by the test
	cheap func(ev *sealEvents) func(ctx context.Context, o *llms.CallOptions) (*llms.ContentResponse, error)
	mid   func(ev *sealEvents) func(ctx context.Context, o *llms.CallOptions) (*llms.ContentResponse, error)
	drive func(t *testing.T, clock *routertest.Clock, ev *sealEvents)
	check func(t *testing.T, got string, resp *llms.ContentResponse, err error, d *llmrouter.Decision)
}

// sealEvents lets a case's providers and driver wait for each other.
type sealEvents struct {
	streamed chan struct{} // closed once cheap's first chunk was handed over
	late     chan struct{} // closed to let a chunk be sent after its call returned
	lateErr  chan error    // what the router said to that late chunk
}

func streamAndSignal(ev *sealEvents, ctx context.Context, o *llms.CallOptions, chunk string) error {
	err := o.StreamingFunc(ctx, []byte(chunk))
	close(ev.streamed)
	return err
}

// waitStreamedThenTimeout lets cheap stream, then runs its 20ms attempt
// timeout out on the fake clock.
func waitStreamedThenTimeout(t *testing.T, clock *routertest.Clock, ev *sealEvents) {
	<-ev.streamed
	require.True(t, clock.WaitForWaiters(1))
	clock.Advance(20 * time.Millisecond)
}

// startHedge runs the 1s hedge delay out, so mid starts while cheap runs.
func startHedge(t *testing.T, clock *routertest.Clock, _ *sealEvents) {
	require.True(t, clock.WaitForWaiters(1))
	clock.Advance(time.Second)
}

// lateThenCtxErr waits for the router to cancel the attempt, then streams
// a chunk anyway (one a client had already read off the wire) and returns
// the context's error.
func lateThenCtxErr(ev *sealEvents) func(ctx context.Context, o *llms.CallOptions) (*llms.ContentResponse, error) {
	return func(ctx context.Context, o *llms.CallOptions) (*llms.ContentResponse, error) {
		<-ctx.Done()
		if err := o.StreamingFunc(ctx, []byte("cheap late ")); err != nil {
			return nil, err
		}
		return nil, ctx.Err()
	}
}

// TestUnbufferedStreamTextEndsInErrStreamStarted: once text has reached the
// caller's StreamingFunc of an unbuffered stream, the call either answers
// with exactly that text or fails with ErrStreamStarted (never falls back,
// never fails otherwise); and no chunk reaches the caller from an attempt
// the router has cancelled for another's outcome or that has returned.
func TestUnbufferedStreamTextEndsInErrStreamStarted(t *testing.T) {
	timeoutNext := llmrouter.Fallback{AttemptTimeout: 20 * time.Millisecond,
		Actions: map[llms.ErrorCode]llmrouter.Action{llms.ErrCodeTimeout: llmrouter.ActionNext}}
	cases := []sealCase{
		{
			name: "sequential: chunk, then blocked until the attempt timeout",
			fb:   timeoutNext,
			cheap: func(ev *sealEvents) func(ctx context.Context, o *llms.CallOptions) (*llms.ContentResponse, error) {
				return func(ctx context.Context, o *llms.CallOptions) (*llms.ContentResponse, error) {
					if err := streamAndSignal(ev, ctx, o, "cheap partial "); err != nil {
						return nil, err
					}
					<-ctx.Done()
					return nil, ctx.Err()
				}
			},
			mid: func(*sealEvents) func(context.Context, *llms.CallOptions) (*llms.ContentResponse, error) {
				return answerWith("mid")
			},
			drive: waitStreamedThenTimeout,
			check: func(t *testing.T, got string, _ *llms.ContentResponse, err error, d *llmrouter.Decision) {
				assert.Equal(t, "cheap partial ", got)
				assert.ErrorIs(t, err, llms.ErrTimeout, "the cause stays matchable")
				assert.NotErrorIs(t, err, context.DeadlineExceeded, "the caller's deadline did not pass")
				assert.Equal(t, []string{"cheap:timeout"}, codes(d), "no fallback after text")
			},
		},
		{
			name: "sequential: chunk, then a truncated answer returned after the attempt timeout",
			fb:   timeoutNext,
			cheap: func(ev *sealEvents) func(ctx context.Context, o *llms.CallOptions) (*llms.ContentResponse, error) {
				return func(ctx context.Context, o *llms.CallOptions) (*llms.ContentResponse, error) {
					if err := streamAndSignal(ev, ctx, o, "cheap partial "); err != nil {
						return nil, err
					}
					<-ctx.Done()
					return text("cheap partial "), nil // as langchaingo's clients do
				}
			},
			mid: func(*sealEvents) func(context.Context, *llms.CallOptions) (*llms.ContentResponse, error) {
				return answerWith("mid")
			},
			drive: waitStreamedThenTimeout,
			check: func(t *testing.T, got string, _ *llms.ContentResponse, err error, d *llmrouter.Decision) {
				assert.Equal(t, "cheap partial ", got)
				assert.ErrorIs(t, err, llms.ErrTimeout)
				assert.Equal(t, []string{"cheap:timeout"}, codes(d), "no fallback after text")
			},
		},
		{
			name: "sequential: a chunk sent after the timed-out attempt returned",
			fb:   timeoutNext,
			cheap: func(ev *sealEvents) func(ctx context.Context, o *llms.CallOptions) (*llms.ContentResponse, error) {
				return func(ctx context.Context, o *llms.CallOptions) (*llms.ContentResponse, error) {
					close(ev.streamed)
					<-ctx.Done()
					go func() { // a client whose reader outlives the call
						<-ev.late
						ev.lateErr <- o.StreamingFunc(context.Background(), []byte("cheap late "))
					}()
					return nil, ctx.Err()
				}
			},
			mid: func(ev *sealEvents) func(context.Context, *llms.CallOptions) (*llms.ContentResponse, error) {
				return func(ctx context.Context, o *llms.CallOptions) (*llms.ContentResponse, error) {
					close(ev.late)
					<-ev.lateErr // cheap's late chunk was handled before mid streams
					return answerWith("mid ", "answer")(ctx, o)
				}
			},
			drive: waitStreamedThenTimeout,
			check: func(t *testing.T, got string, resp *llms.ContentResponse, err error, d *llmrouter.Decision) {
				require.NoError(t, err, d.Explain())
				assert.Equal(t, "mid answer", got, "the returned attempt's chunk never reaches the caller")
				assert.Equal(t, []string{"cheap:timeout", "mid:ok"}, codes(d))
			},
		},
		{
			name: "hedged: a chunk sent after another attempt's error stopped the plan",
			fb:   llmrouter.Fallback{Hedge: llmrouter.Hedge{Delay: time.Second}},
			cheap: func(ev *sealEvents) func(context.Context, *llms.CallOptions) (*llms.ContentResponse, error) {
				return lateThenCtxErr(ev)
			},
			mid: func(*sealEvents) func(context.Context, *llms.CallOptions) (*llms.ContentResponse, error) {
				return func(context.Context, *llms.CallOptions) (*llms.ContentResponse, error) {
					return nil, routertest.ErrUnauthorized // stops the plan
				}
			},
			drive: startHedge,
			check: func(t *testing.T, got string, _ *llms.ContentResponse, err error, d *llmrouter.Decision) {
				assert.Empty(t, got, "a stopped attempt's chunk never reaches the caller")
				assert.ErrorIs(t, err, llms.ErrAuthentication)
			},
		},
		{
			name: "hedged: a chunk sent after another attempt answered",
			fb:   llmrouter.Fallback{Hedge: llmrouter.Hedge{Delay: time.Second}},
			cheap: func(ev *sealEvents) func(context.Context, *llms.CallOptions) (*llms.ContentResponse, error) {
				return lateThenCtxErr(ev)
			},
			mid: func(*sealEvents) func(context.Context, *llms.CallOptions) (*llms.ContentResponse, error) {
				return func(context.Context, *llms.CallOptions) (*llms.ContentResponse, error) {
					// A tool call streams no text, so it claims no stream.
					return &llms.ContentResponse{Choices: []*llms.ContentChoice{{ToolCalls: []llms.ToolCall{{ID: "1", Type: "function",
						FunctionCall: &llms.FunctionCall{Name: "f", Arguments: "{}"}}}}}}, nil
				}
			},
			drive: startHedge,
			check: func(t *testing.T, got string, _ *llms.ContentResponse, err error, d *llmrouter.Decision) {
				require.NoError(t, err)
				assert.Empty(t, got, "the losing attempt's chunk never reaches the caller")
				assert.Equal(t, "mid", d.Answered)
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := runtime.NumGoroutine()
			clock := routertest.NewClock(time.Now())
			ev := &sealEvents{streamed: make(chan struct{}), late: make(chan struct{}), lateErr: make(chan error, 1)}
			cheap := &funcProvider{card: cheapCard, fn: tc.cheap(ev)}
			mid := &funcProvider{card: midCard, fn: tc.mid(ev)}
			fb := tc.fb
			fb.Clock = clock
			sink := &lastSink{}
			r, err := llmrouter.New([]llmrouter.Provider{cheap, mid}, llmrouter.WithFallback(fb), llmrouter.WithSink(sink))
			require.NoError(t, err)

			var mu sync.Mutex
			var got []string
			type outcome struct {
				resp *llms.ContentResponse
				err  error
			}
			done := make(chan outcome, 1)
			go func() {
				resp, err := r.GenerateContent(context.Background(), human("hi"), llms.WithStreamingFunc(func(_ context.Context, c []byte) error {
					mu.Lock()
					got = append(got, string(c))
					mu.Unlock()
					return nil
				}))
				done <- outcome{resp, err}
			}()
			tc.drive(t, clock, ev)
			out := <-done
			mu.Lock()
			delivered := strings.Join(got, "")
			mu.Unlock()
			d := sink.last()
			require.NotNil(t, d)

			// The invariant the soak checks (vUnbufErr, vUnbufStream).
			if out.err != nil && delivered != "" {
				require.ErrorIs(t, out.err, llmrouter.ErrStreamStarted, "streamed %q, then: %v\n%s", delivered, out.err, d.Explain())
			}
			if out.err == nil {
				assert.Equal(t, out.resp.Choices[0].Content, delivered, "an answer is exactly the text streamed")
			}
			tc.check(t, delivered, out.resp, out.err, d)
			assert.LessOrEqual(t, settleGoroutines(before), before, "no goroutine leak")
		})
	}
}

// Many concurrent hedged unbuffered streams whose hedge fails with a 401
// (action stop) while the first attempt starts streaming: whichever the
// plan sees first, text that reached the caller ends in the answer or in
// ErrStreamStarted. The order is up to the scheduler; the deterministic
// cases above pin the chunk-after-the-decision orders.
func TestHedgedStopRacesStreamClaim(t *testing.T) {
	clock := routertest.NewClock(time.Now()).SetAutoAdvance(true) // hedges start at once
	cheap := &funcProvider{card: cheapCard, fn: func(ctx context.Context, o *llms.CallOptions) (*llms.ContentResponse, error) {
		runtime.Gosched() // let the hedge's 401 race the claim
		for _, w := range []string{"cheap ", "says ", "hello"} {
			if err := o.StreamingFunc(ctx, []byte(w)); err != nil {
				return nil, err
			}
		}
		return text("cheap says hello"), nil
	}}
	mid := &funcProvider{card: midCard, fn: func(context.Context, *llms.CallOptions) (*llms.ContentResponse, error) {
		runtime.Gosched()
		return nil, routertest.ErrUnauthorized
	}}
	r, err := llmrouter.New([]llmrouter.Provider{cheap, mid},
		llmrouter.WithFallback(llmrouter.Fallback{Clock: clock, Hedge: llmrouter.Hedge{Delay: time.Millisecond}}))
	require.NoError(t, err)
	const n = 400
	bad := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mu sync.Mutex
			var streamed strings.Builder
			resp, err := r.GenerateContent(context.Background(), human("hi"), llms.WithStreamingFunc(func(_ context.Context, c []byte) error {
				mu.Lock()
				streamed.Write(c)
				mu.Unlock()
				return nil
			}))
			mu.Lock()
			got := streamed.String()
			mu.Unlock()
			switch {
			case err == nil && resp.Choices[0].Content != got:
				bad[i] = "answered " + resp.Choices[0].Content + " but streamed " + got
			case err != nil && got != "" && !errors.Is(err, llmrouter.ErrStreamStarted):
				bad[i] = "streamed " + got + ", then: " + err.Error()
			}
		}()
	}
	wg.Wait()
	var fails []string
	for _, b := range bad {
		if b != "" {
			fails = append(fails, b)
		}
	}
	assert.Empty(t, fails[:min(3, len(fails))], "%d of %d requests broke the unbuffered stream rule", len(fails), n)
}

// A chunk a provider's stray reader sends after the call returned, the
// attempt's first, races with nothing: the attempt's time to first token
// was written outside the sink's lock, unordered with the router reading
// it once the call returned (a data race under -race). The late chunk is
// refused and the attempt records no first token.
func TestLateFirstChunkNoRace(t *testing.T) {
	for _, buffered := range []bool{false, true} {
		// The stray reader starts as the call returns and races it (that
		// is the point: no happens-before for the race detector to lean
		// on), so now and then its chunk comes before the call returned:
		// not late, and unbuffered that is text delivered, then a
		// failure, correctly. Such a run is tried again (it failed CI
		// about once in a few hundred runs).
		for try := 0; ; try++ {
			require.Less(t, try, 100, "the stray chunk never came after the call returned")
			if lateFirstChunk(t, buffered) {
				break
			}
		}
	}
}

// lateFirstChunk runs one call of TestLateFirstChunkNoRace; false when the
// stray chunk came before the call returned (it was taken, not refused).
func lateFirstChunk(t *testing.T, buffered bool) bool {
	{
		returned := make(chan struct{})
		lateErr := make(chan error, 1)
		cheap := &funcProvider{card: cheapCard, fn: func(_ context.Context, o *llms.CallOptions) (*llms.ContentResponse, error) {
			go func() { // a reader that outlives the call
				<-returned
				lateErr <- o.StreamingFunc(context.Background(), []byte("late"))
			}()
			close(returned)
			return nil, routertest.ErrUnavailable
		}}
		sink := &lastSink{}
		r, err := llmrouter.New([]llmrouter.Provider{cheap, routertest.NewProvider(midCard, ok("mid"))},
			llmrouter.WithFallback(llmrouter.Fallback{MaxRetries: -1, BufferStreams: buffered}), llmrouter.WithSink(sink))
		require.NoError(t, err)
		var mu sync.Mutex
		var got []string
		resp, err := r.GenerateContent(context.Background(), human("hi"), llms.WithStreamingFunc(func(_ context.Context, c []byte) error {
			mu.Lock()
			got = append(got, string(c))
			mu.Unlock()
			return nil
		}))
		if <-lateErr == nil { // taken: the chunk came before the call returned
			mu.Lock()
			defer mu.Unlock()
			if buffered { // into the failed attempt's buffer, dropped
				require.NoError(t, err)
				require.Equal(t, []string{"mid"}, got)
			} else {
				require.ErrorContains(t, err, "stream failed after text was delivered")
				require.Equal(t, []string{"late"}, got)
			}
			return false
		}
		require.NoError(t, err)
		assert.Equal(t, "mid", resp.Choices[0].Content)
		mu.Lock()
		assert.Equal(t, []string{"mid"}, got)
		mu.Unlock()
		d := sink.last()
		assert.Zero(t, d.Attempts[0].FirstToken)
	}
	return true
}
