package latency_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/latency"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHistogramQuantile: quantiles read from the bins are within 2.5% of
// the samples' exact order statistic, over distributions spanning
// microseconds to minutes; empty and odd counts are handled.
func TestHistogramQuantile(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, tc := range []struct {
		name string
		draw func() time.Duration
	}{
		{"log-normal around 800ms", func() time.Duration { return time.Duration(8e8 * math.Exp(0.6*rng.NormFloat64())) }},
		{"uniform 2-40s", func() time.Duration { return 2*time.Second + time.Duration(rng.Int64N(int64(38*time.Second))) }},
		{"microseconds", func() time.Duration { return time.Duration(1000 + rng.Int64N(50000)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			counts := map[int]float64{}
			xs := make([]time.Duration, 5000)
			for i := range xs {
				xs[i] = tc.draw()
				counts[latency.Bin(xs[i])]++
			}
			slices.Sort(xs)
			for _, q := range []float64{0.5, 0.9, 0.99} {
				exact := float64(xs[int(math.Ceil(q*float64(len(xs))))-1])
				got := float64(latency.HistogramQuantile(counts, q))
				assert.InEpsilon(t, exact, got, 0.026, "q=%v", q)
			}
		})
	}
	assert.Zero(t, latency.HistogramQuantile(nil, 0.9))
	assert.Zero(t, latency.HistogramQuantile(map[int]float64{3: -1, 4: math.Inf(1)}, 0.9))
	assert.Equal(t, 0, latency.Bin(0))
	assert.Equal(t, 0, latency.Bin(-time.Second))
	assert.Equal(t, latency.MaxBin, latency.Bin(time.Duration(math.MaxInt64)))
}

// TestTrackerShared: tracker B, which never observed a model, routes by
// the samples tracker A added to their MemoryShared once they number
// MinSamples, by first-token time when configured so, and by the card
// again once the latest is older than MaxAge; a tracker without Shared
// keeps the card.
func TestTrackerShared(t *testing.T) {
	at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	sh := &latency.MemoryShared{}
	cfg := latency.Config{MinSamples: 3, MaxAge: time.Minute, Shared: sh}
	a, err := latency.New(cfg)
	require.NoError(t, err)
	b, err := latency.New(cfg)
	require.NoError(t, err)
	cfg.FirstToken = true
	bFirst, err := latency.New(cfg)
	require.NoError(t, err)
	alone, err := latency.New(latency.Config{MinSamples: 3, MaxAge: time.Minute})
	require.NoError(t, err)

	card := 3 * time.Second
	route := func(tr *latency.Tracker, now time.Time) time.Duration {
		r := &llmrouter.Routing{Now: now, Candidates: []llmrouter.Candidate{{Model: "m", Latency: card}}}
		require.NoError(t, tr.Apply(r))
		return r.Candidates[0].Latency
	}
	record := func(n int) {
		for range n {
			a.Record(&llmrouter.Decision{Attempts: []llmrouter.Attempt{
				{Model: "m", Start: at, Latency: 400 * time.Millisecond, FirstToken: 50 * time.Millisecond}}})
		}
	}
	record(2)
	assert.Equal(t, card, route(b, at.Add(time.Second)), "2 samples < MinSamples: the card")
	record(1)
	now := at.Add(time.Second)
	assert.InEpsilon(t, float64(400*time.Millisecond), float64(route(b, now)), 0.026, "A's samples")
	assert.InEpsilon(t, float64(50*time.Millisecond), float64(route(bFirst, now)), 0.026, "A's first-token samples")
	assert.Equal(t, card, route(alone, now), "no Shared: the card")
	assert.Equal(t, card, route(b, at.Add(2*time.Minute)), "older than MaxAge: the card")
	assert.Zero(t, b.Stats("m").Total.Samples, "Stats stays B's own")
	o := sh.Observed("m", 0.9, now)
	assert.Equal(t, int64(3), o.Samples)
	assert.Equal(t, 400*time.Millisecond, o.Mean)
	assert.Equal(t, at.Add(400*time.Millisecond), o.Last)
}

// BinValue of a k past MaxBin is the last bin's value, as Bin puts every
// longer latency there: it overflowed to a negative duration
// (BinValue(1<<20) was about -292 years), and so did HistogramQuantile over
// such a bin. A q outside [0,1] reads as the nearer end, NaN as 1.
func TestBinValueBounds(t *testing.T) {
	last := latency.BinValue(latency.MaxBin)
	assert.Positive(t, last)
	for _, k := range []int{latency.MaxBin + 1, 1 << 20, math.MaxInt} {
		assert.Equal(t, last, latency.BinValue(k), "BinValue(%d)", k)
	}
	assert.Equal(t, last, latency.HistogramQuantile(map[int]float64{1 << 20: 1}, 0.5))
	counts := map[int]float64{10: 1, 20: 1}
	assert.Equal(t, latency.BinValue(10), latency.HistogramQuantile(counts, -1))
	assert.Equal(t, latency.BinValue(20), latency.HistogramQuantile(counts, 2))
	assert.Equal(t, latency.BinValue(20), latency.HistogramQuantile(counts, math.NaN()))
}
