package budget_test

import (
	"testing"

	"github.com/llmrouter/llmrouter/budget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Two limits on the same total for the same requests (scope, tag for
// PerTag, tier and window alike) are refused, naming both: the smaller
// used to win without a word, so a second "$5 a day" entry meant to raise
// a "$1 a day" one did nothing. Limits that only share a total (other
// tiers, or a tier's beside a tierless one) still apply together, the
// smaller holding where both do.
func TestDuplicateLimitsRefused(t *testing.T) {
	day := budget.Window{Period: budget.Day}
	rollingDay := budget.Window{Period: budget.Day, Rolling: true}
	for _, tc := range []struct {
		name   string
		limits []budget.Limit
		want   string // "" accepted
	}{
		{"per user, twice", []budget.Limit{
			{Scope: budget.PerUser, USD: 1, Window: day},
			{Scope: budget.Global, USD: 100, Window: day},
			{Scope: budget.PerUser, USD: 5, Window: day},
		}, `budget: limits 0 and 2 are one limit (per user, no tier, day; $1 and $5): give it once`},
		{"per user, one tier, twice", []budget.Limit{
			{Scope: budget.PerUser, Tier: "free", USD: 1, Window: day},
			{Scope: budget.PerUser, Tier: "free", USD: 1, Window: day},
		}, `budget: limits 0 and 1 are one limit (per user, tier "free", day; $1 and $1): give it once`},
		{"per tag, twice", []budget.Limit{
			{Scope: budget.PerTag, Tag: "search", USD: 2, Window: rollingDay},
			{Scope: budget.PerTag, Tag: "search", USD: 3, Window: rollingDay},
		}, `budget: limits 0 and 1 are one limit (tag "search", no tier, rolling-day; $2 and $3): give it once`},
		{"global, twice", []budget.Limit{
			{Scope: budget.Global, USD: 2, Window: day},
			{Scope: budget.Global, USD: 3, Window: day},
		}, `budget: limits 0 and 1 are one limit (global, no tier, day; $2 and $3): give it once`},
		{"an unused Tag does not tell them apart", []budget.Limit{
			{Scope: budget.Global, Tag: "x", USD: 2, Window: day},
			{Scope: budget.Global, USD: 3, Window: day},
		}, `budget: limits 0 and 1 are one limit (global, no tier, day; $2 and $3): give it once`},
		{"two tiers", []budget.Limit{
			{Scope: budget.PerUser, Tier: "free", USD: 1, Window: day},
			{Scope: budget.PerUser, Tier: "pro", USD: 5, Window: day},
		}, ""},
		{"a tier beside no tier", []budget.Limit{
			{Scope: budget.PerUser, USD: 5, Window: day},
			{Scope: budget.PerUser, Tier: "free", USD: 1, Window: day},
		}, ""},
		{"two windows", []budget.Limit{
			{Scope: budget.PerUser, USD: 1, Window: day},
			{Scope: budget.PerUser, USD: 1, Window: rollingDay},
		}, ""},
		{"two tags", []budget.Limit{
			{Scope: budget.PerTag, Tag: "a", USD: 1, Window: day},
			{Scope: budget.PerTag, Tag: "b", USD: 1, Window: day},
		}, ""},
		{"two scopes", []budget.Limit{
			{Scope: budget.PerUser, USD: 1, Window: day},
			{Scope: budget.Global, USD: 1, Window: day},
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := budget.New(budget.Config{Limits: tc.limits})
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			assert.EqualError(t, err, tc.want)
		})
	}
}
