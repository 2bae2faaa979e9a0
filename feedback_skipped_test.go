package llmrouter_test

import (
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/stretchr/testify/require"
)

// A model the router skipped (cooling down, context too small, over the
// cost cap) was never called: its Attempt has no error and zero cost and
// latency. Feedback for it (FeedbackFor, a judge that ran it separately)
// exported that attempt's zero as the model's measured cost and latency, so
// training read the model as free; decisionlog's export already leaves
// skipped attempts out. The cost must come from a call that ran, or be absent.
func TestFeedbackLogSkippedAttemptHasNoCost(t *testing.T) {
	d := &llmrouter.Decision{ID: "d1", Model: "cheap", Answered: "strong", Features: llmrouter.Features{Text: "q"},
		Attempts: []llmrouter.Attempt{
			{Model: "cheap", Skipped: "cooling down"},
			{Model: "strong", Cost: 0.01, Latency: 300 * time.Millisecond},
		}}
	for _, tc := range []struct {
		model    string
		wantCost bool
		cost, ms float64
	}{
		{"cheap", false, 0, 0},
		{"strong", true, 0.01, 300},
	} {
		t.Run(tc.model, func(t *testing.T) {
			l := llmrouter.NewFeedbackLog(4)
			l.Record(d)
			require.NoError(t, l.FeedbackFor("d1", tc.model, 1))
			recs := l.Records()
			require.Len(t, recs, 1)
			o := recs[0].Outcomes[tc.model]
			c, ok := o.CostValue()
			require.Equal(t, tc.wantCost, ok, "cost present")
			require.Equal(t, tc.cost, c)
			require.Equal(t, tc.ms, o.LatencyMS)
		})
	}
}
