package budget_test

import (
	"context"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/budget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A per-user budget's texts never carry the user id, so a router built
// WithUserRedaction records no user in its decisions: the removal reasons
// (Candidate.Removed) and the ExceededError's text (Decision.Err) named
// the bucket "user=alice@example.com/day", in every sink and decision
// log. The error's Budget field still holds the whole key, for the caller.
func TestPerUserTextsCarryNoUser(t *testing.T) {
	const user = "alice@example.com"
	day := budget.Window{Period: budget.Day}
	for _, tc := range []struct {
		name  string
		spent float64
		fails bool
	}{
		{"little left: strong removed", 0.009, false},
		{"spent: refused", 0.00999, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := budget.NewMemoryStore()
			b, err := budget.New(budget.Config{Store: store, Limits: []budget.Limit{{Scope: budget.PerUser, USD: 0.01, Window: day}}})
			require.NoError(t, err)
			key := "user=" + user + "/day"
			require.NoError(t, store.Commit(context.Background(), "pre", []budget.Bucket{{Key: key, Window: day}}, budget.FromUSD(tc.spent), start))
			var sunk []*llmrouter.Decision
			r, err := llmrouter.New([]llmrouter.Provider{&meter{card: cheapCard}, &meter{card: strongCard}}, llmrouter.WithClock(newClock()),
				llmrouter.WithPolicy(llmrouter.DefaultPolicy(b, llmrouter.CheapestAdequate{MinQuality: 0.8})),
				llmrouter.WithUserRedaction(llmrouter.UserRedaction{Omit: true}),
				llmrouter.WithSink(llmrouter.SinkFunc(func(d *llmrouter.Decision) { sunk = append(sunk, d) })))
			require.NoError(t, err)
			_, err = r.GenerateContent(withHints(llmrouter.Hints{User: user}), human(prompt))
			if tc.fails {
				var ee *budget.ExceededError
				require.ErrorAs(t, err, &ee)
				assert.Equal(t, key, ee.Budget, "the caller gets the whole key")
				assert.NotContains(t, err.Error(), user)
				assert.Contains(t, err.Error(), "user=*/day")
				return
			}
			require.NoError(t, err)
			require.Len(t, sunk, 1)
			d := sunk[0]
			assert.Contains(t, d.Candidates[1].Removed, budget.RemovedPrefix+"user=*/day has $0.001000 left")
			raw, err := d.MarshalJSON()
			require.NoError(t, err)
			assert.False(t, strings.Contains(string(raw), "alice"), "the decision records no user: %s", raw)
			assert.NotContains(t, d.Explain(), "alice")
		})
	}
}
