package hotswap_test

import (
	"context"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/budget"
	"github.com/llmrouter/llmrouter/hotswap"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A budget.Budget behind a holder must still reserve before each call and
// charge the finished call (its StartCall hook): a holder that hid the hook
// let the budget filter but never count spend, so the limit never held.
func TestHeldBudgetCharges(t *testing.T) {
	for _, tc := range []struct {
		name   string
		policy func(b *budget.Budget) (llmrouter.Classifier, llmrouter.Policy)
	}{
		{"Policy holding the budget", func(b *budget.Budget) (llmrouter.Classifier, llmrouter.Policy) {
			return nil, hotswap.NewPolicy(b)
		}},
		{"Policy holding DefaultPolicy(budget)", func(b *budget.Budget) (llmrouter.Classifier, llmrouter.Policy) {
			return nil, hotswap.NewPolicy(llmrouter.DefaultPolicy(b, llmrouter.CheapestAdequate{}))
		}},
		{"Pair", func(b *budget.Budget) (llmrouter.Classifier, llmrouter.Policy) {
			p := hotswap.NewPair(nil, llmrouter.DefaultPolicy(b))
			return p, p
		}},
		{"Policy in a Chain", func(b *budget.Budget) (llmrouter.Classifier, llmrouter.Policy) {
			return nil, llmrouter.Chain(hotswap.NewPolicy(b))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := budget.NewMemoryStore()
			day := budget.Window{Period: budget.Day}
			b, err := budget.New(budget.Config{Store: store, Limits: []budget.Limit{{Scope: budget.Global, USD: 1, Window: day}}})
			require.NoError(t, err)
			clock := routertest.NewClock(time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC))
			card := llmrouter.ModelCard{Name: "m", InputPerMTok: 1000, OutputPerMTok: 1000, MaxOutputTokens: 100}
			p := routertest.NewProvider(card, routertest.Response{Text: "ok", InputTokens: 100, OutputTokens: 100})
			c, pol := tc.policy(b)
			opts := []llmrouter.Option{llmrouter.WithPolicy(pol), llmrouter.WithClock(clock)}
			if c != nil {
				opts = append(opts, llmrouter.WithClassifier(c))
			}
			r, err := llmrouter.New([]llmrouter.Provider{p}, opts...)
			require.NoError(t, err)
			resp, err := r.GenerateContent(context.Background(), ask("hello"))
			require.NoError(t, err)
			d, ok := llmrouter.DecisionFrom(resp)
			require.True(t, ok)
			require.InDelta(t, 0.2, d.Cost, 1e-9, "100 in + 100 out at $1000/MTok")
			spent, held := store.Usage("global/day", clock.Now())
			assert.Equal(t, budget.FromUSD(d.Cost), spent, "the call is charged")
			assert.Zero(t, held)
		})
	}
}
