package latency_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/latency"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTrackerConcurrentUse: Record (adding models as they first appear),
// Apply and Stats from many goroutines at once, with and without a
// Shared: every sample is counted once, and Apply reads what Record
// published, with no race (run under -race).
func TestTrackerConcurrentUse(t *testing.T) {
	t0 := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	models := []string{"a", "b", "c", "d"}
	for _, tc := range []struct {
		name   string
		shared *latency.MemoryShared
	}{{"alone", nil}, {"shared", &latency.MemoryShared{}}} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := latency.Config{MinSamples: 3, MaxAge: time.Hour}
			if tc.shared != nil {
				cfg.Shared = tc.shared
			}
			tr, err := latency.New(cfg)
			require.NoError(t, err)
			want := time.Second   // the tracker's own quantile of equal samples
			if tc.shared != nil { // the shared histogram's, which Apply reads first
				want = latency.HistogramQuantile(map[int]float64{latency.Bin(time.Second): 1}, latency.DefaultQuantile)
			}
			const workers, each = 8, 200
			var wg sync.WaitGroup
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range each {
						m := models[(w+i)%len(models)]
						tr.Record(&llmrouter.Decision{ID: fmt.Sprint(w, i), Attempts: []llmrouter.Attempt{
							{Model: m, Start: t0, Latency: time.Second, FirstToken: 100 * time.Millisecond}}})
						r := &llmrouter.Routing{Now: t0.Add(time.Second)}
						for _, name := range models {
							r.Candidates = append(r.Candidates, llmrouter.Candidate{Model: name})
						}
						if !assert.NoError(t, tr.Apply(r)) {
							return
						}
						for _, c := range r.Candidates {
							if c.Latency != 0 && c.Latency != want {
								t.Errorf("model %s: latency %s, want 0 (too few samples) or %s", c.Model, c.Latency, want)
							}
						}
						_ = tr.Stats(models[i%len(models)])
					}
				}()
			}
			wg.Wait()
			for _, m := range models {
				assert.Equal(t, workers*each/len(models), tr.Stats(m).Total.Samples, m)
				assert.Equal(t, workers*each/len(models), tr.Stats(m).FirstToken.Samples, m)
			}
		})
	}
}
