package budget_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/llmrouter/llmrouter/budget"
)

// The error's text says when the request can run again: at the reset time,
// when calls in flight end, or never within this limit, when the request
// needs more than the whole limit (no waiting helps then).
func TestExceededErrorSaysWhenItFits(t *testing.T) {
	resets := time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		err     budget.ExceededError
		want    string
		mustNot string
	}{
		{"spent: resets at the window's end",
			budget.ExceededError{Budget: "user=alice/day", Limit: 0.01, Spent: 0.009, Need: 0.002, Resets: resets},
			"it frees up at 2025-06-02T00:00:00Z", "never"},
		{"held by calls in flight",
			budget.ExceededError{Budget: "user=alice/day", Limit: 0.01, Held: 0.009, Need: 0.002},
			"it frees up when calls in flight finish", "never"},
		{"needs more than the whole limit, nothing spent or held",
			budget.ExceededError{Budget: "user=alice/day", Limit: 0.00001, Need: 0.000022},
			"more than the whole limit", "calls in flight finish"},
		{"needs more than the whole limit, calls in flight",
			budget.ExceededError{Budget: "global/month", Limit: 0.001, Held: 0.0005, Need: 0.002},
			"more than the whole limit", "calls in flight finish"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := tc.err.Error()
			assert.Contains(t, msg, tc.want)
			assert.NotContains(t, msg, tc.mustNot)
		})
	}
}
