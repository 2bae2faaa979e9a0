package judge_test

import (
	"context"
	"math"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/decisionlog"
	"github.com/llmrouter/llmrouter/judge"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decisionlog.Log's Feedback is a judge's Feedback.
var _ judge.Feedback = (*decisionlog.Log)(nil)

// seq returns the numbers xs in turn (then 0.99), safe for concurrent use.
func seq(xs ...float64) func() float64 {
	var mu sync.Mutex
	return func() float64 {
		mu.Lock()
		defer mu.Unlock()
		if len(xs) == 0 {
			return 0.99
		}
		x := xs[0]
		xs = xs[1:]
		return x
	}
}

func TestNewErrors(t *testing.T) {
	jp := llmrouter.NewProvider(judgeCard, &fakeModel{reply: says("[[5]]")})
	fb := &feedbacks{}
	for _, tc := range []struct {
		name string
		opts judge.Options
		want string
	}{
		{"no judge", judge.Options{Feedback: fb}, "Options.Judge is required"},
		{"no receiver", judge.Options{Judge: jp}, "set Options.Feedback or Options.OnResult"},
		{"rate above 1", judge.Options{Judge: jp, Feedback: fb, Rate: 1.5}, "Options.Rate 1.5 is outside [0,1]"},
		{"rate NaN", judge.Options{Judge: jp, Feedback: fb, Rate: math.NaN()}, "Options.Rate NaN"},
		{"negative cap", judge.Options{Judge: jp, Feedback: fb, SpendCap: -1}, "Options.SpendCap -1"},
		{"infinite cap", judge.Options{Judge: jp, Feedback: fb, SpendCap: math.Inf(1)}, "Options.SpendCap +Inf"},
		// A card New does not check would cost the calls NaN or less than
		// nothing, and the spend cap would never hold; a typed nil
		// provider would panic on a worker, outside any recover.
		{"judge price NaN", judge.Options{Judge: llmrouter.NewProvider(llmrouter.ModelCard{Name: "j", InputPerMTok: math.NaN()}, &fakeModel{}), Feedback: fb},
			`Options.Judge: model "j": InputPerMTok is NaN; want a finite price >= 0`},
		{"reference price negative", judge.Options{Judge: jp, Reference: llmrouter.NewProvider(llmrouter.ModelCard{Name: "r", OutputPerMTok: -1}, &fakeModel{}), Feedback: fb},
			`Options.Reference: model "r": OutputPerMTok is -1; want a finite price >= 0`},
		{"typed nil judge", judge.Options{Judge: (*routertest.Provider)(nil), Feedback: fb}, "Options.Judge is required"},
		{"typed nil reference", judge.Options{Judge: jp, Reference: (*routertest.Provider)(nil), Feedback: fb}, "Options.Reference is a nil"},
		// A log whose Open failed: its Feedback panicked on a worker.
		{"typed nil feedback", judge.Options{Judge: jp, Feedback: (*decisionlog.Log)(nil)}, "Options.Feedback is a nil *decisionlog.Log"},
		{"nil feedback func", judge.Options{Judge: jp, Feedback: judge.FeedbackFunc(nil)}, "Options.Feedback is a nil judge.FeedbackFunc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var j *judge.Judge
			var err error
			require.NotPanics(t, func() { j, err = judge.New(tc.opts) })
			require.Error(t, err)
			assert.Nil(t, j)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// Sampling follows the injected random source: an answer is judged when
// the draw is below Rate; the zero Rate is DefaultRate.
func TestSampling(t *testing.T) {
	for _, tc := range []struct {
		name  string
		rate  float64
		draws []float64
		want  []bool
	}{
		{"quarter", 0.25, []float64{0.1, 0.3, 0.2499, 0.25, 0.9}, []bool{true, false, true, false, false}},
		{"default rate", 0, []float64{0.05, 0.1, 0.0999}, []bool{true, false, true}},
		{"all", 1, []float64{0, 0.5, 0.999}, []bool{true, true, true}},
		// A broken Rand's NaN sampled every answer (NaN >= rate is false),
		// multiplying the judge's cost by 1/Rate; it samples none.
		{"NaN draw is not sampled", 0.25, []float64{math.NaN(), 0.1, math.NaN()}, []bool{false, true, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j, err := judge.New(judge.Options{Judge: llmrouter.NewProvider(judgeCard, &fakeModel{reply: says("[[5]]")}),
				Feedback: &feedbacks{}, Rate: tc.rate, Rand: seq(tc.draws...)})
			require.NoError(t, err)
			var got []bool
			for range tc.draws {
				got = append(got, j.SubmitItem(judge.Item{ID: "x", Model: "m", Prompt: "q", Answer: "a"}))
			}
			require.NoError(t, j.Close(context.Background()))
			assert.Equal(t, tc.want, got)
			n := int64(0)
			for _, g := range got {
				if g {
					n++
				}
			}
			assert.Equal(t, judge.Stats{Sampled: n, Graded: n}, zeroMoney(j.Stats()))
		})
	}
}

// A slow judge fills the bounded queue: further answers are dropped and
// counted, Submit never blocks; Close with a cancelled context cancels the
// call in flight, drops what is queued and leaves no goroutine behind.
func TestSlowJudgeQueueAndClose(t *testing.T) {
	before := runtime.NumGoroutine()
	jm := &fakeModel{reply: blocks, started: make(chan struct{}, 8)}
	onResult, ch := results()
	j, err := judge.New(judge.Options{Judge: llmrouter.NewProvider(judgeCard, jm), Feedback: &feedbacks{}, OnResult: onResult,
		Rate: 1, Rand: always, Workers: 1, QueueSize: 2, Timeout: -1})
	require.NoError(t, err)
	item := judge.Item{ID: "x", Model: "m", Prompt: "q", Answer: "a"}
	require.True(t, j.SubmitItem(item))
	<-jm.started // the worker is stuck in the judge call
	assert.True(t, j.SubmitItem(item))
	assert.True(t, j.SubmitItem(item))
	assert.False(t, j.SubmitItem(item), "queue full: dropped, not blocked")
	assert.False(t, j.SubmitItem(item))

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, j.Close(ctx), context.Canceled)
	res := next(t, ch)
	require.ErrorIs(t, res.Err, context.Canceled)
	assert.Contains(t, res.Err.Error(), "closed before the call finished")
	assert.Equal(t, judge.Stats{Sampled: 3, Dropped: 4, Failed: 1}, zeroMoney(j.Stats()))
	assert.Len(t, jm.userTexts(), 1, "queued items were not judged after Close gave up")

	assert.False(t, j.SubmitItem(item), "closed: dropped")
	assert.Equal(t, int64(5), j.Stats().Dropped)
	require.NoError(t, j.Close(context.Background()), "closing twice is safe")
	assert.True(t, routertest.Eventually(func() bool { return runtime.NumGoroutine() <= before }),
		"goroutines: %d before, %d after", before, runtime.NumGoroutine())
}

// Close with time to spare judges everything queued first.
func TestCloseDrains(t *testing.T) {
	release := make(chan struct{})
	jm := &fakeModel{reply: func(ctx context.Context, _, _ string) (string, error) { <-release; return "[[9]]", nil }, started: make(chan struct{}, 8)}
	fb := &feedbacks{}
	j, err := judge.New(judge.Options{Judge: llmrouter.NewProvider(judgeCard, jm), Feedback: fb, Rate: 1, Rand: always, Workers: 1, QueueSize: 4})
	require.NoError(t, err)
	for _, id := range []string{"a", "b", "c"} {
		require.True(t, j.SubmitItem(judge.Item{ID: id, Model: "m", Prompt: "q", Answer: "a"}))
	}
	<-jm.started
	close(release)
	require.NoError(t, j.Close(context.Background()))
	var ids []string
	for _, f := range fb.all() {
		ids = append(ids, f.ID)
	}
	assert.Equal(t, []string{"a", "b", "c"}, ids)
	assert.Equal(t, judge.Stats{Sampled: 3, Graded: 3}, zeroMoney(j.Stats()))
}

// Timeout bounds one item on the injected clock: nothing sleeps.
func TestTimeout(t *testing.T) {
	clock := routertest.NewClock(testStart)
	jm := &fakeModel{reply: blocks, started: make(chan struct{}, 1)}
	onResult, ch := results()
	j, err := judge.New(judge.Options{Judge: llmrouter.NewProvider(judgeCard, jm), OnResult: onResult, Rate: 1, Rand: always,
		Clock: clock, Timeout: time.Minute})
	require.NoError(t, err)
	j.SubmitItem(judge.Item{ID: "x", Model: "m", Prompt: "q", Answer: "a"})
	<-jm.started
	require.True(t, clock.WaitForWaiters(1))
	clock.Advance(time.Minute)
	res := next(t, ch)
	require.ErrorIs(t, res.Err, context.Canceled)
	assert.Contains(t, res.Err.Error(), "timed out after 1m0s")
	require.NoError(t, j.Close(context.Background()))
	assert.Equal(t, int64(1), j.Stats().Failed)
}

// The spend cap per window: an item's worst case is reserved first; one
// that does not fit is skipped and counted; a new window starts afresh.
func TestSpendCap(t *testing.T) {
	clock := routertest.NewClock(testStart)
	// $1 an output token: an item reserves 10 tokens = $10 (input is free) and
	// spends the 4 its response reports = $4.
	card := llmrouter.ModelCard{Name: "pricey", OutputPerMTok: 1e6}
	jm := &fakeModel{reply: says("[[8]]"), in: 100, out: 4}
	onResult, ch := results()
	j, err := judge.New(judge.Options{Judge: llmrouter.NewProvider(card, jm), OnResult: onResult, Rate: 1, Rand: always,
		Clock: clock, MaxOutputTokens: 10, SpendCap: 15, Window: time.Hour})
	require.NoError(t, err)
	item := judge.Item{ID: "x", Model: "m", Prompt: "q", Answer: "a"}
	submit := func() judge.Result { require.True(t, j.SubmitItem(item)); return next(t, ch) }

	require.NoError(t, submit().Err) // reserved 10 of 15, spent 4
	require.NoError(t, submit().Err) // 4 + 10 ≤ 15; spent 8
	res := submit()                  // 8 + 10 > 15
	require.ErrorIs(t, res.Err, judge.ErrOverCap)
	assert.Contains(t, res.Err.Error(), "needs up to $10.000000, over the $15.000000 cap per 1h0m0s")
	assert.Zero(t, res.Cost)
	st := j.Stats()
	assert.Equal(t, int64(1), st.OverCap)
	assert.InDelta(t, 8, st.WindowSpent, 1e-9)

	clock.Advance(59 * time.Minute)
	require.ErrorIs(t, submit().Err, judge.ErrOverCap, "same window")
	clock.Advance(time.Minute)
	require.NoError(t, submit().Err, "a new window")
	require.NoError(t, j.Close(context.Background()))
	st = j.Stats()
	assert.Equal(t, judge.Stats{Sampled: 5, Graded: 3, OverCap: 2}, zeroMoney(st))
	assert.InDelta(t, 12, st.Spent, 1e-9)
	assert.InDelta(t, 4, st.WindowSpent, 1e-9)
	assert.Len(t, jm.userTexts(), 3, "skipped items made no call")
}

// Concurrent workers cannot together pass the cap: reservations count.
func TestSpendCapConcurrent(t *testing.T) {
	release := make(chan struct{})
	card := llmrouter.ModelCard{Name: "pricey", OutputPerMTok: 1e6}
	jm := &fakeModel{reply: func(context.Context, string, string) (string, error) { <-release; return "[[8]]", nil }, out: 10,
		started: make(chan struct{}, 8)}
	j, err := judge.New(judge.Options{Judge: llmrouter.NewProvider(card, jm), OnResult: func(judge.Result) {}, Rate: 1, Rand: always,
		Clock: routertest.NewClock(testStart), Workers: 4, MaxOutputTokens: 10, SpendCap: 25})
	require.NoError(t, err)
	for range 4 {
		j.SubmitItem(judge.Item{ID: "x", Model: "m", Prompt: "q", Answer: "a"})
	}
	<-jm.started
	<-jm.started
	require.True(t, routertest.Eventually(func() bool { return j.Stats().OverCap == 2 }))
	close(release)
	require.NoError(t, j.Close(context.Background()))
	st := j.Stats()
	assert.Equal(t, judge.Stats{Sampled: 4, Graded: 2, OverCap: 2}, zeroMoney(st))
	assert.InDelta(t, 20, st.Spent, 1e-9)
}

// A response without usage is costed from an estimate, marked as such.
func TestEstimatedUsage(t *testing.T) {
	onResult, ch := results()
	j, err := judge.New(judge.Options{Judge: llmrouter.NewProvider(judgeCard, &fakeModel{reply: says("Good. [[8]]")}), OnResult: onResult, Rate: 1, Rand: always})
	require.NoError(t, err)
	j.SubmitItem(judge.Item{ID: "x", Model: "m", Prompt: "q", Answer: "a"})
	res := next(t, ch)
	require.NoError(t, j.Close(context.Background()))
	assert.True(t, res.Usage.Estimated)
	assert.Equal(t, 3, res.Usage.OutputTokens, `"Good. [[8]]" is 11 bytes: 3 tokens at 4 bytes a token`)
	assert.Greater(t, res.Usage.InputTokens, 100)
	assert.InDelta(t, judgeCard.Cost(res.Usage.InputTokens, 3), res.Cost, 1e-15)
}

// Wrap judges every answer a chain gets, with no change to its code.
func TestWrap(t *testing.T) {
	fb := &feedbacks{}
	j, err := judge.New(judge.Options{Judge: llmrouter.NewProvider(judgeCard, &fakeModel{reply: says("[[10]]")}), Feedback: fb, Rate: 1, Rand: always})
	require.NoError(t, err)
	m := j.Wrap(newRouter(t, "Canberra.", "4"))
	ask(t, m, "What is the capital of Australia?")
	out, err := m.Call(context.Background(), "2+2?")
	require.NoError(t, err)
	assert.Equal(t, "4", out)
	require.NoError(t, j.Close(context.Background()))
	assert.ElementsMatch(t, []feedbackCall{{"d1", 1, "judge judge: 10/10"}, {"d2", 1, "judge judge: 10/10"}}, fb.all())
}

// End to end: grades land in a decisionlog.Log by decision id and the
// export joins them to their decisions.
func TestDecisionLogFeedback(t *testing.T) {
	dir := t.TempDir()
	log, err := decisionlog.Open(dir, decisionlog.Options{PromptText: decisionlog.TextFull})
	require.NoError(t, err)
	j, err := judge.New(judge.Options{Judge: llmrouter.NewProvider(judgeCard, &fakeModel{reply: says("[[4]]")}), Feedback: log, Rate: 1, Rand: always})
	require.NoError(t, err)
	r, err := llmrouter.New([]llmrouter.Provider{routertest.NewProvider(answerCard, routertest.Response{Text: "Sydney."})},
		llmrouter.WithSink(log), llmrouter.WithIDGenerator(func() string { return "req-1" }))
	require.NoError(t, err)
	j.Submit(ask(t, r, "What is the capital of Australia?"))
	require.NoError(t, j.Close(context.Background()))
	require.NoError(t, log.Close())

	var out strings.Builder
	st, err := decisionlog.ExportOutcomes(dir, &out)
	require.NoError(t, err)
	assert.Equal(t, 1, st.Rows)
	assert.Contains(t, out.String(), `"id":"req-1"`)
	assert.Contains(t, out.String(), `"small":{"score":0.3333333333333333`)

	var notes []string
	_, err = decisionlog.Scan(dir, func(e *decisionlog.Entry) error {
		if e.Kind == decisionlog.KindFeedback {
			notes = append(notes, e.Note)
		}
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"judge judge: 4/10"}, notes)
}
