package budget_test

import (
	"sync"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/budget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConcurrentSpend is the figure of issue 11: 1,000 goroutines spend
// against one user's budget at once. Overspend never exceeds one in-flight
// request's estimate, and the charged total equals the sum of the
// decisions' costs exactly.
func TestConcurrentSpend(t *testing.T) {
	const workers = 1000
	const limitUSD = 0.25
	{
		{
			store := budget.NewMemoryStore()
			b, err := budget.New(budget.Config{Store: store,
				Limits: []budget.Limit{{Scope: budget.PerUser, USD: limitUSD, Window: budget.Window{Period: budget.Day}}}})
			require.NoError(t, err)
			var mu sync.Mutex
			var decisions []*llmrouter.Decision
			cheap, strong := &meter{card: cheapCard}, &meter{card: strongCard}
			// Answers of 50 to 2,000 tokens, fixed per call number: many are
			// cut by the output limit the reservation pays for.
			length := func(n int) int { return 50 + (n*7919)%1951 }
			cheap.want, strong.want = length, length
			r, err := llmrouter.New([]llmrouter.Provider{cheap, strong}, llmrouter.WithClock(newClock()),
				llmrouter.WithPolicy(llmrouter.DefaultPolicy(b, llmrouter.CheapestAdequate{MinQuality: 0.8})),
				llmrouter.WithSink(llmrouter.SinkFunc(func(d *llmrouter.Decision) {
					mu.Lock()
					decisions = append(decisions, d)
					mu.Unlock()
				})))
			require.NoError(t, err)
			dry, err := r.Route(withHints(llmrouter.Hints{User: "alice"}), human(prompt))
			require.NoError(t, err)
			cheap.in, strong.in = dry.Features.Tokens, dry.Features.Tokens
			maxEstimate := max(dry.Candidates[0].Cost, dry.Candidates[1].Cost)

			var wg sync.WaitGroup
			errs := make([]error, workers)
			for i := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = r.GenerateContent(withHints(llmrouter.Hints{User: "alice"}), human(prompt))
				}()
			}
			wg.Wait()

			ok, refused := 0, 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case assert.ErrorIs(t, err, budget.ErrExceeded):
					refused++
				}
			}
			var sum budget.Nanos
			answered := map[string]int{}
			for _, d := range decisions {
				sum += budget.FromUSD(d.Cost)
				answered[d.Answered]++
			}
			spent, held := store.Usage("user=alice/day", dry.Time)
			overspend := spent - budget.FromUSD(limitUSD)
			t.Logf("%d calls answered (%v), %d refused; charged $%.9f of $%.2f; overspend $%.9f (bound: one estimate, $%.6f)",
				ok, answered, refused, spent.USD(), limitUSD, max(0, overspend.USD()), maxEstimate)
			assert.Equal(t, workers, ok+refused)
			assert.Positive(t, ok)
			assert.Positive(t, refused, "the budget runs out")
			assert.Equal(t, sum, spent, "the charged total is the sum of the decisions' costs, exactly")
			assert.Zero(t, held, "every reservation is released")
			assert.LessOrEqual(t, overspend, budget.FromUSD(maxEstimate), "overspend stays within one request's estimate")
			// How many degrade to the cheap model as the budget runs low
			// depends on scheduling (usually 13; none when every request
			// plans before any reservation is refunded, about 1 run in
			// 100): the degradation itself is TestBudgetThroughRouter's "little
			// left" row, deterministic.
		}
	}
}
