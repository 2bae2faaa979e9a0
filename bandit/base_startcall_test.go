package bandit_test

import (
	"context"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/bandit"
	"github.com/llmrouter/llmrouter/budget"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// A budget.Budget in the bandit's Base still reserves before each call and
// charges the finished call: the bandit used to hide the Base's StartCall
// hook, so the budget filtered but never counted spend and its limit never
// held.
func TestBaseBudgetCharges(t *testing.T) {
	store := budget.NewMemoryStore()
	b, err := budget.New(budget.Config{Store: store, Limits: []budget.Limit{{Scope: budget.Global, USD: 1, Window: budget.Window{Period: budget.Day}}}})
	require.NoError(t, err)
	p, err := bandit.New([]string{"m"}, bandit.Options{Seed: 1, Base: llmrouter.DefaultPolicy(b)})
	require.NoError(t, err)
	clock := routertest.NewClock(time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC))
	card := llmrouter.ModelCard{Name: "m", InputPerMTok: 1000, OutputPerMTok: 1000, MaxOutputTokens: 100}
	prov := routertest.NewProvider(card, routertest.Response{Text: "ok", InputTokens: 100, OutputTokens: 100})
	r, err := llmrouter.New([]llmrouter.Provider{prov}, llmrouter.WithPolicy(p), llmrouter.WithSink(p), llmrouter.WithClock(clock))
	require.NoError(t, err)
	resp, err := r.GenerateContent(context.Background(), []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "hello")})
	require.NoError(t, err)
	d, ok := llmrouter.DecisionFrom(resp)
	require.True(t, ok)
	require.InDelta(t, 0.2, d.Cost, 1e-9)
	spent, held := store.Usage("global/day", clock.Now())
	assert.Equal(t, budget.FromUSD(d.Cost), spent, "the call is charged")
	assert.Zero(t, held)
}

// nilBase is a Base policy whose methods dereference their receiver.
type nilBase struct{ seen int }

func (b *nilBase) Apply(*llmrouter.Routing) error { b.seen++; return nil }

// A Base that is a nil pointer or func (a constructor whose error was
// dropped) fails New naming it; every Apply panicked.
func TestNewRejectsNilBase(t *testing.T) {
	for _, base := range []llmrouter.Policy{(*nilBase)(nil), llmrouter.PolicyFunc(nil)} {
		_, err := bandit.New([]string{"m"}, bandit.Options{Base: base})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "bandit: Options.Base is a nil ")
	}
}

// An Options.Shared that is a nil pointer (a redisstore.NewLearner whose
// error was dropped) fails New naming it; every Apply panicked.
func TestNewRejectsNilShared(t *testing.T) {
	_, err := bandit.New([]string{"m"}, bandit.Options{Shared: (*bandit.MemoryShared)(nil)})
	require.EqualError(t, err, "bandit: Options.Shared is a nil *bandit.MemoryShared (did its constructor fail?)")
}
