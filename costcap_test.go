package llmrouter_test

import (
	"context"
	"fmt"
	"math"
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

// Three models at $1 in / $4 out per million tokens: a 2,000-token answer
// costs $0.008 plus input; the default estimate (256 output tokens) about
// $0.00103.
var (
	capA = llmrouter.ModelCard{Name: "a", InputPerMTok: 1, OutputPerMTok: 4, Quality: 0.9}
	capB = llmrouter.ModelCard{Name: "b", InputPerMTok: 1, OutputPerMTok: 4, Quality: 0.85}
	capC = llmrouter.ModelCard{Name: "c", InputPerMTok: 1, OutputPerMTok: 4, Quality: 0.8}
)

// longAnswer is a provider that answers with want output tokens, or fewer
// when the call's MaxTokens says so (as real APIs do), reporting usage with
// in input tokens. With release set it waits for it first, and answers
// even if its context ended meanwhile (it finished before seeing the
// cancellation, so the call is billed).
type longAnswer struct {
	card    llmrouter.ModelCard
	in      int
	want    int
	release <-chan struct{}

	mu        sync.Mutex
	maxTokens []int // MaxTokens of each call received
}

func (p *longAnswer) Card() llmrouter.ModelCard { return p.card }

func (p *longAnswer) received() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]int(nil), p.maxTokens...)
}

func (p *longAnswer) GenerateContent(ctx context.Context, _ []llms.MessageContent, options ...llms.CallOption) (*llms.ContentResponse, error) {
	var o llms.CallOptions
	for _, opt := range options {
		opt(&o)
	}
	p.mu.Lock()
	p.maxTokens = append(p.maxTokens, o.MaxTokens)
	p.mu.Unlock()
	if p.release != nil {
		<-p.release
	}
	out := p.want
	if o.MaxTokens > 0 && o.MaxTokens < out {
		out = o.MaxTokens
	}
	return &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: "long answer", StopReason: "length",
		GenerationInfo: map[string]any{"PromptTokens": p.in, "CompletionTokens": out}}}}, nil
}

// countingClock counts the reads of the router's clock.
type countingClock struct {
	*routertest.Clock
	n atomic.Int64
}

func (c *countingClock) Now() time.Time { c.n.Add(1); return c.Clock.Now() }
func (c *countingClock) count() int64   { return c.n.Load() }

// promptTokens is the router's input-token estimate of human("hi").
func promptTokens(t *testing.T) int {
	r, err := llmrouter.New([]llmrouter.Provider{routertest.NewProvider(capA)})
	require.NoError(t, err)
	d, err := r.Route(context.Background(), human("hi"))
	require.NoError(t, err)
	require.Positive(t, d.Features.Tokens)
	return d.Features.Tokens
}

// TestCostCapHedged pins that hedged attempts together stay within
// MaxCost: with MaxExtra 2 and three slow models each answering 2,000
// tokens, only the attempts the cap can pay for start, each with an
// output-token limit.
func TestCostCapHedged(t *testing.T) {
	in := promptTokens(t)
	const maxCost = 0.003
	clock := routertest.NewClock(time.Now())
	nows := &countingClock{Clock: clock}
	release := make(chan struct{})
	ps := []*longAnswer{{card: capA, in: in, want: 2000, release: release}, {card: capB, in: in, want: 2000, release: release}, {card: capC, in: in, want: 2000, release: release}}
	sink := &lastSink{}
	r, err := llmrouter.New([]llmrouter.Provider{ps[0], ps[1], ps[2]}, llmrouter.WithSink(sink), llmrouter.WithClock(nows),
		llmrouter.WithFallback(llmrouter.Fallback{Clock: clock, Hedge: llmrouter.Hedge{Delay: time.Second, MaxExtra: 2}}))
	require.NoError(t, err)
	ctx := llmrouter.WithHints(context.Background(), llmrouter.Hints{MaxCost: maxCost})
	done := make(chan error, 1)
	go func() {
		_, err := r.GenerateContent(ctx, human("hi"))
		done <- err
	}()
	require.True(t, routertest.Eventually(func() bool { return len(ps[0].received()) == 1 }))
	require.True(t, clock.WaitForWaiters(1))
	clock.Advance(time.Second) // the first hedge
	require.True(t, routertest.Eventually(func() bool { return len(ps[1].received()) == 1 }))
	require.True(t, clock.WaitForWaiters(1), "the second hedge's delay")
	// The second hedge's turn: the router reads its clock when it starts
	// the attempt or records it as not started. Nothing else runs then (a
	// and b are blocked), so that read says the turn was taken.
	before := nows.count()
	clock.Advance(time.Second)
	require.True(t, routertest.Eventually(func() bool { return nows.count() > before }))
	close(release)
	require.NoError(t, <-done)
	d := sink.last()
	require.NotNil(t, d)
	t.Logf("cap $%.6f, spent $%.6f (%.2f× the cap)\n%s", maxCost, d.Cost, d.Cost/maxCost, d.Explain())

	assert.LessOrEqual(t, d.Cost, maxCost, "every attempt together within the cap")
	assert.Equal(t, []int{256}, ps[0].received(), "a third of the cap is below the estimate: the estimate's 256 tokens")
	assert.Equal(t, []int{256}, ps[1].received())
	assert.Empty(t, ps[2].received(), "the second hedge cannot be paid for")
	assert.Equal(t, maxCost, d.CostCap.Max)
	perAttempt := capA.Cost(in, 256)
	assert.InDelta(t, 2*perAttempt, d.CostCap.Reserved, 1e-12, "both running attempts reserved at once")
	assert.InDelta(t, 2*perAttempt, d.CostCap.Spent, 1e-12)
	assert.InDelta(t, d.Cost, d.CostCap.Spent, 1e-15)
	var skipped []string
	for _, a := range d.Attempts {
		if a.Skipped != "" {
			skipped = append(skipped, a.Model+": "+a.Skipped)
			continue
		}
		assert.Equal(t, 256, a.MaxTokens, a.Model)
		assert.InDelta(t, perAttempt, a.Reserved, 1e-12, a.Model)
	}
	assert.Contains(t, d.Explain(), fmt.Sprintf("cost cap:   max $0.003000, reserved at most $%.6f, spent $%.6f", 2*perAttempt, 2*perAttempt))
	assert.Contains(t, d.Explain(), "(output limited to 256 for the cost cap)")
	require.Len(t, skipped, 1)
	assert.Contains(t, skipped[0], "c: hedge not started: over the cost limit")
}

// TestCostCapOutputLimit pins the output-token limit an attempt gets when
// the caller set none, in the plain router and with WithFallback, and the
// opt-out.
func TestCostCapOutputLimit(t *testing.T) {
	in := promptTokens(t)
	big := capA
	big.MaxOutputTokens = 8192
	tests := []struct {
		name         string
		card         llmrouter.ModelCard
		resilient    bool
		hints        llmrouter.Hints
		opts         []llms.CallOption
		wantMax      int     // MaxTokens the provider received
		wantReserved float64 // the attempt's reservation
		over         bool    // the answer may exceed the cap (opt-out)
	}{
		{name: "plain router: the output is capped at what the budget pays", card: capA, hints: llmrouter.Hints{MaxCost: 0.006},
			wantMax: (6000 - in) / 4},
		{name: "with fallback: the same", card: capA, resilient: true, hints: llmrouter.Hints{MaxCost: 0.006},
			wantMax: (6000 - in) / 4},
		{name: "a generous cap: at most 4096 tokens on a card without MaxOutputTokens", card: capA, hints: llmrouter.Hints{MaxCost: 1},
			wantMax: llmrouter.DefaultOutputCapTokens},
		{name: "a generous cap: at most the card's MaxOutputTokens", card: big, hints: llmrouter.Hints{MaxCost: 1},
			wantMax: 8192},
		{name: "the caller's MaxTokens is kept, and reserved", card: capA, hints: llmrouter.Hints{MaxCost: 0.006},
			opts: []llms.CallOption{llms.WithMaxTokens(500)}, wantMax: 500},
		{name: "opt-out: no limit, the estimate is reserved, a long answer goes over", card: capA, resilient: true,
			hints: llmrouter.Hints{MaxCost: 0.006, UncappedOutput: true}, wantMax: 0, over: true},
		{name: "no MaxCost: no limit", card: capA, hints: llmrouter.Hints{}, wantMax: 0, over: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &longAnswer{card: tt.card, in: in, want: 2000}
			sink := &lastSink{}
			opts := []llmrouter.Option{llmrouter.WithSink(sink)}
			if tt.resilient {
				opts = append(opts, llmrouter.WithFallback(llmrouter.Fallback{Clock: routertest.NewClock(time.Now()).SetAutoAdvance(true)}))
			}
			r, err := llmrouter.New([]llmrouter.Provider{p}, opts...)
			require.NoError(t, err)
			callerOpts := llms.CallOptions{}
			for _, o := range tt.opts {
				o(&callerOpts)
			}
			_, err = r.GenerateContent(llmrouter.WithHints(context.Background(), tt.hints), human("hi"), tt.opts...)
			require.NoError(t, err)
			assert.Equal(t, []int{tt.wantMax}, p.received())
			d := sink.last()
			require.Len(t, d.Attempts, 1)
			a := d.Attempts[0]
			out := min(2000, tt.wantMax)
			if tt.wantMax == 0 {
				out = 2000
			}
			assert.InDelta(t, tt.card.Cost(in, out), d.Cost, 1e-12)
			if tt.hints.MaxCost == 0 {
				assert.Zero(t, d.CostCap)
				assert.Zero(t, a.Reserved)
				return
			}
			reservedOut := tt.wantMax
			if tt.wantMax == 0 {
				reservedOut = llmrouter.DefaultExpectedOutputTokens
			}
			assert.InDelta(t, tt.card.Cost(in, reservedOut), a.Reserved, 1e-12)
			assert.InDelta(t, a.Reserved, d.CostCap.Reserved, 1e-15)
			assert.LessOrEqual(t, d.CostCap.Reserved, tt.hints.MaxCost)
			if tt.opts == nil && !tt.hints.UncappedOutput {
				assert.Equal(t, tt.wantMax, a.MaxTokens, "the limit the router set")
			} else {
				assert.Zero(t, a.MaxTokens, "the router set no limit")
			}
			assert.Equal(t, tt.over, d.Cost > tt.hints.MaxCost, "cost $%.6f, cap $%.6f", d.Cost, tt.hints.MaxCost)
			assert.Equal(t, tt.opts == nil, callerOpts.MaxTokens == 0, "the caller's options are not written")
		})
	}
}

// TestCostCapSkipsUnpayableAttempts pins that retries and fallbacks the
// remaining budget cannot pay for are not started, and say why.
func TestCostCapSkipsUnpayableAttempts(t *testing.T) {
	in := promptTokens(t)
	// a fails with a 5xx whose body still reports usage: 1,000 output
	// tokens spent ($0.004 + input) of a $0.005 cap. Its retry and b
	// (estimates ≈ $0.00103) no longer fit.
	failing := &funcProvider{card: capA, fn: func(context.Context, *llms.CallOptions) (*llms.ContentResponse, error) {
		return &llms.ContentResponse{Choices: []*llms.ContentChoice{{GenerationInfo: map[string]any{"PromptTokens": in, "CompletionTokens": 1000}}}}, routertest.ErrServer
	}}
	b := &longAnswer{card: capB, in: in, want: 10}
	for _, resilient := range []bool{false, true} {
		sink := &lastSink{}
		opts := []llmrouter.Option{llmrouter.WithSink(sink)}
		if resilient {
			opts = append(opts, llmrouter.WithFallback(llmrouter.Fallback{Clock: routertest.NewClock(time.Now()).SetAutoAdvance(true), Rand: half}))
		}
		r, err := llmrouter.New([]llmrouter.Provider{failing, b}, opts...)
		require.NoError(t, err)
		_, err = r.GenerateContent(llmrouter.WithHints(context.Background(), llmrouter.Hints{MaxCost: 0.005}), human("hi"))
		require.ErrorIs(t, err, llms.ErrProviderUnavailable)
		d := sink.last()
		want := []string{"a:provider_unavailable", "b:skipped"}
		if resilient {
			want = []string{"a:provider_unavailable", "a:skipped", "b:skipped"}
		}
		assert.Equal(t, want, codes(d), d.Explain())
		assert.Empty(t, b.received())
		last := d.Attempts[len(d.Attempts)-1]
		assert.Contains(t, last.Skipped, fmt.Sprintf("over the cost limit: remaining $%.6f", 0.005-capA.Cost(in, 1000)))
		assert.LessOrEqual(t, d.Cost, 0.005)
	}
}

// TestCostCapConcurrent runs hedged, capped requests from many goroutines
// (under -race in CI): every request stays within its own cap.
func TestCostCapConcurrent(t *testing.T) {
	in := promptTokens(t)
	var ps []llmrouter.Provider
	for _, c := range []llmrouter.ModelCard{capA, capB, capC} {
		ps = append(ps, &longAnswer{card: c, in: in, want: 2000})
	}
	var mu sync.Mutex
	var worst float64
	r, err := llmrouter.New(ps, llmrouter.WithSink(llmrouter.SinkFunc(func(d *llmrouter.Decision) {
		mu.Lock()
		worst = math.Max(worst, d.Cost/d.Hints.MaxCost)
		mu.Unlock()
	})), llmrouter.WithFallback(llmrouter.Fallback{Clock: routertest.NewClock(time.Now()).SetAutoAdvance(true), Hedge: llmrouter.Hedge{Delay: time.Nanosecond, MaxExtra: 2}}))
	require.NoError(t, err)
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				cap := 0.002 + 0.001*float64((g+i)%5)
				_, err := r.GenerateContent(llmrouter.WithHints(context.Background(), llmrouter.Hints{MaxCost: cap}), human("hi"))
				assert.NoError(t, err)
			}
		}()
	}
	wg.Wait()
	assert.LessOrEqual(t, worst, 1.0, "no request over its cap")
	assert.Positive(t, worst)
}
