package latency_test

import (
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/latency"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The zero Tracker is New(Config{})'s: the default Alpha, Quantile,
// MinSamples, Window and MaxAge. It ran with every field zero: an EWMA
// that never moved off the first sample, a Window of 0 (a fresh estimate
// at every sample), a Candidate.Latency from the first sample on (no
// MinSamples) and no MaxAge.
func TestZeroTracker(t *testing.T) {
	want, err := latency.New(latency.Config{})
	require.NoError(t, err)
	var got latency.Tracker
	at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	apply := func(tr *latency.Tracker, now time.Time) time.Duration {
		r := &llmrouter.Routing{Now: now, Candidates: []llmrouter.Candidate{{Model: "m", Latency: time.Hour}}}
		require.NoError(t, tr.Apply(r))
		return r.Candidates[0].Latency
	}
	for i := range 3 * latency.DefaultMinSamples {
		d := &llmrouter.Decision{Attempts: []llmrouter.Attempt{
			{Model: "m", Start: at, Latency: time.Duration(100+37*(i%11)) * time.Millisecond},
		}}
		want.Record(d)
		got.Record(d)
		assert.Equal(t, want.Stats("m"), got.Stats("m"), "after %d samples", i+1)
		assert.Equal(t, apply(want, at), apply(&got, at), "after %d samples", i+1)
	}
	late := at.Add(latency.DefaultMaxAge + time.Minute)
	assert.Equal(t, time.Hour, apply(&got, late), "past MaxAge the card's figure applies again")
}
