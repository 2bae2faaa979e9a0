package latency_test

import (
	"context"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/latency"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

func human(s string) []llms.MessageContent {
	return []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, s)}
}

// The card says "slow" takes 3s and "quick" 300ms; in fact slow answers in
// 400ms and quick in 2s. A latency budget of 1s follows the cards until
// the tracker has MinSamples of each, then what the models did, and the
// cards again once the samples are older than MaxAge.
func TestTrackerReplacesCardLatency(t *testing.T) {
	clock := routertest.NewClock(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC))
	slowCard := llmrouter.ModelCard{Name: "slow", InputPerMTok: 0.1, OutputPerMTok: 0.4, Quality: 0.8, TypicalLatency: 3 * time.Second}
	quickCard := llmrouter.ModelCard{Name: "quick", InputPerMTok: 1, OutputPerMTok: 4, Quality: 0.8, TypicalLatency: 300 * time.Millisecond}
	slow := routertest.NewProvider(slowCard, routertest.Response{Text: "ok", Latency: 400 * time.Millisecond}).WithClock(clock)
	quick := routertest.NewProvider(quickCard, routertest.Response{Text: "ok", Latency: 2 * time.Second}).WithClock(clock)
	tr, err := latency.New(latency.Config{MinSamples: 5, MaxAge: time.Hour})
	require.NoError(t, err)
	r, err := llmrouter.New([]llmrouter.Provider{slow, quick}, llmrouter.WithClock(clock), llmrouter.WithSink(tr),
		llmrouter.WithPolicy(llmrouter.Chain(tr, llmrouter.DefaultPolicy())))
	require.NoError(t, err)
	budgetCtx := llmrouter.WithHints(context.Background(), llmrouter.Hints{LatencyBudget: time.Second})
	removed := func() map[string]string {
		d, err := r.Route(budgetCtx, human("hello there"))
		require.NoError(t, err)
		out := map[string]string{}
		for _, c := range d.Candidates {
			out[c.Model] = c.Removed
		}
		return out
	}
	assert.Equal(t, map[string]string{"slow": "typical latency 3s > budget 1s", "quick": ""}, removed(), "no samples: the cards")

	// Calls without a budget go to the cheaper model; then a few to quick.
	for i := 0; i < 5; i++ {
		_, err := r.GenerateContent(context.Background(), human("hello there"))
		require.NoError(t, err)
		_, err = quick.GenerateContent(context.Background(), human("x")) // not through the router: not observed
		require.NoError(t, err)
	}
	assert.Equal(t, 5, tr.Stats("slow").Total.Samples)
	assert.Equal(t, 400*time.Millisecond, tr.Stats("slow").Total.Quantile)
	assert.Equal(t, 0, tr.Stats("quick").Total.Samples, "only the router's own attempts count")
	assert.Equal(t, map[string]string{"slow": "", "quick": ""}, removed(), "slow has samples now; quick still has only its card")

	only := llmrouter.WithHints(context.Background(), llmrouter.Hints{})
	rq, err := llmrouter.New([]llmrouter.Provider{quick}, llmrouter.WithClock(clock), llmrouter.WithSink(tr))
	require.NoError(t, err)
	for i := 0; i < 5; i++ {
		_, err := rq.GenerateContent(only, human("hello there"))
		require.NoError(t, err)
	}
	assert.Equal(t, map[string]string{"slow": "", "quick": "expected latency 2s > budget 1s"}, removed(), "observed: quick is slow")

	clock.Advance(time.Hour + time.Second)
	assert.Equal(t, map[string]string{"slow": "typical latency 3s > budget 1s", "quick": ""}, removed(), "stale samples: the cards again")
}

func TestTrackerFirstToken(t *testing.T) {
	clock := routertest.NewClock(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC))
	card := llmrouter.ModelCard{Name: "m", TypicalLatency: 5 * time.Second}
	p := &chunked{card: card, clock: clock, before: 200 * time.Millisecond, between: 900 * time.Millisecond}
	for _, tc := range []struct {
		name       string
		firstToken bool
		want       time.Duration
	}{
		{"total latency", false, 2 * time.Second},
		{"time to first token", true, 200 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := latency.New(latency.Config{MinSamples: 3, FirstToken: tc.firstToken})
			require.NoError(t, err)
			r, err := llmrouter.New([]llmrouter.Provider{p}, llmrouter.WithClock(clock), llmrouter.WithSink(tr),
				llmrouter.WithPolicy(llmrouter.Chain(tr, llmrouter.DefaultPolicy())))
			require.NoError(t, err)
			for i := 0; i < 3; i++ {
				_, err := r.GenerateContent(context.Background(), human("hi"), llms.WithStreamingFunc(func(context.Context, []byte) error { return nil }))
				require.NoError(t, err)
			}
			st := tr.Stats("m")
			assert.Equal(t, 3, st.FirstToken.Samples)
			assert.Equal(t, 200*time.Millisecond, st.FirstToken.EWMA)
			assert.Equal(t, 2*time.Second, st.Total.EWMA)
			d, err := r.Route(context.Background(), human("hi"))
			require.NoError(t, err)
			assert.Equal(t, tc.want, d.Candidates[0].Latency)
		})
	}
}

func TestTrackerEWMA(t *testing.T) {
	tr, err := latency.New(latency.Config{Alpha: 0.5})
	require.NoError(t, err)
	at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	d := &llmrouter.Decision{Attempts: []llmrouter.Attempt{
		{Model: "m", Start: at, Latency: time.Second},
		{Model: "m", Start: at, Latency: 3 * time.Second},
		{Model: "m", Start: at, Latency: 9 * time.Second, Err: assert.AnError},
		{Model: "m", Start: at, Skipped: "cooling down"},
	}}
	tr.Record(d)
	st := tr.Stats("m").Total
	assert.Equal(t, 2, st.Samples, "failed and skipped attempts are not latencies of an answer")
	assert.Equal(t, 2*time.Second, st.EWMA)
	assert.Equal(t, at.Add(3*time.Second), st.Last)
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, tc := range []struct {
		cfg  latency.Config
		want string
	}{
		{latency.Config{Alpha: 1.5}, "Alpha 1.5"},
		{latency.Config{Quantile: 1}, "Quantile 1"},
		{latency.Config{MinSamples: -1}, "MinSamples"},
		{latency.Config{Window: -1}, "Window"},
		// A shared store whose constructor failed: every Apply and Record
		// panicked.
		{latency.Config{Shared: (*latency.MemoryShared)(nil)}, "Config.Shared is a nil *latency.MemoryShared"},
	} {
		_, err := latency.New(tc.cfg)
		assert.ErrorContains(t, err, tc.want)
	}
}

type chunked struct {
	card            llmrouter.ModelCard
	clock           *routertest.Clock
	before, between time.Duration
}

func (p *chunked) Card() llmrouter.ModelCard { return p.card }

func (p *chunked) GenerateContent(ctx context.Context, _ []llms.MessageContent, options ...llms.CallOption) (*llms.ContentResponse, error) {
	var o llms.CallOptions
	for _, opt := range options {
		opt(&o)
	}
	p.clock.Advance(p.before)
	for i, c := range []string{"a", "b", "c"} {
		if i > 0 {
			p.clock.Advance(p.between)
		}
		if o.StreamingFunc != nil {
			if err := o.StreamingFunc(ctx, []byte(c)); err != nil {
				return nil, err
			}
		}
	}
	return &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: "abc"}}}, nil
}
