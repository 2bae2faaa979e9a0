package telemetry_test

import (
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/telemetry"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Models a spend limit took out of a request are counted per model
// (llmrouter.budget.filtered); other removals are not.
func TestSinkCountsBudgetFilteredModels(t *testing.T) {
	h := newHarness(t, telemetry.Options{})
	d := &llmrouter.Decision{ID: "d1", Time: t0, Latency: time.Second, Model: "cheap", Answered: "cheap",
		Candidates: []llmrouter.Candidate{
			{Model: "cheap"},
			{Model: "strong", Removed: "over budget: user=alice/day: $0.001 left of $1, resets 2026-12-01T00:00:00Z"},
			{Model: "vision", Removed: "lacks capability vision"},
		}}
	h.sink.Record(d)
	h.sink.Record(d)
	rm := h.collect(t)
	pts, _ := points(rm, "llmrouter.budget.filtered")
	require.Len(t, pts, 1)
	assert.Equal(t, "strong", pts[0].attrs["gen_ai.request.model"])
	assert.Equal(t, 2.0, pts[0].value)
}
