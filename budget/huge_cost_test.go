package budget_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/budget"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// An estimate past what Nanos hold (here $10¹², a crafted MaxTokens of
// 10¹⁵) is over every budget: rounding it up used to wrap to a negative
// amount, so the filter kept the model, Route planned it, and the call
// failed on the cost cap with "remaining $0 < estimated $1e12" instead of
// the budget's ExceededError.
func TestHugeEstimateIsOverBudget(t *testing.T) {
	b, err := budget.New(budget.Config{Limits: []budget.Limit{{Scope: budget.Global, USD: 1, Window: budget.Window{Period: budget.Day}}}})
	require.NoError(t, err)
	clock := routertest.NewClock(time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC))
	// math.MaxInt tokens at $1e7 a million: past what Nanos hold on 32-bit
	// and 64-bit platforms alike.
	prov := routertest.NewProvider(llmrouter.ModelCard{Name: "m", InputPerMTok: 1, OutputPerMTok: 1e7})
	r, err := llmrouter.New([]llmrouter.Provider{prov}, llmrouter.WithPolicy(llmrouter.DefaultPolicy(b)), llmrouter.WithClock(clock))
	require.NoError(t, err)
	msgs := []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "hello")}
	_, err = r.Route(context.Background(), msgs, llms.WithMaxTokens(math.MaxInt))
	var ee *budget.ExceededError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, "global/day", ee.Budget)
	assert.Greater(t, ee.Need, 1e9, "the most Nanos hold, $9.2e9")
	_, err = r.GenerateContent(context.Background(), msgs, llms.WithMaxTokens(math.MaxInt))
	require.ErrorIs(t, err, budget.ErrExceeded)
	assert.Zero(t, prov.CallCount())
}
