package latency_test

import (
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/latency"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFastestAdequate(t *testing.T) {
	cands := func() []llmrouter.Candidate {
		return []llmrouter.Candidate{
			{Model: "a", Index: 0, Quality: 0.65, Cost: 0.0001, Latency: 300 * time.Millisecond},
			{Model: "b", Index: 1, Quality: 0.80, Cost: 0.002, Latency: 2 * time.Second},
			{Model: "c", Index: 2, Quality: 0.90, Cost: 0.02, Latency: 900 * time.Millisecond},
			{Model: "d", Index: 3, Quality: 0.85, Cost: 0.001},
		}
	}
	for _, tc := range []struct {
		name    string
		tau     float64
		remove  int
		want    []string
		reason0 string
	}{
		{"the fastest adequate, then the other adequate, then the rest", 0.7, -1, []string{"c", "b", "d", "a"}, latency.ReasonFastestAdequate},
		{"unknown latency counts as slowest among the adequate", 0.84, -1, []string{"c", "d", "b", "a"}, latency.ReasonFastestAdequate},
		{"none adequate: the best predicted quality", 0.95, -1, []string{"c", "d", "b", "a"}, latency.ReasonBestAvailable},
		{"removed models stay out", 0.7, 2, []string{"b", "d", "a"}, latency.ReasonFastestAdequate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &llmrouter.Routing{Candidates: cands()}
			if tc.remove >= 0 {
				r.Remove(tc.remove, "test")
			}
			require.NoError(t, latency.FastestAdequate{MinQuality: tc.tau}.Apply(r))
			var got []string
			for _, s := range r.Plan {
				got = append(got, s.Model)
			}
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.reason0, r.Plan[0].Reason)
		})
	}
}
