package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/bandit"
	"github.com/llmrouter/llmrouter/breaker"
	"github.com/llmrouter/llmrouter/budget"
	"github.com/llmrouter/llmrouter/latency"
	"github.com/llmrouter/llmrouter/redisstore"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A Breakers, Latency, Learner or Store its constructor did not make (the
// zero value: there is no Redis client) says so, naming the constructor:
// an error where the method returns one, a panic with that text where it
// does not (a breaker recovers a shared store's panic and acts alone, a
// router a policy's or sink's). Breakers.OpenUntil panicked on a nil map
// holding the lock, so a later Opened hung; the others panicked with a
// nil pointer dereference.
func TestZeroValues(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1000, 0)
	bk := []budget.Bucket{{Key: "k", Limit: 10, Window: budget.Window{Period: budget.Day}}}
	t.Run("Breakers", func(t *testing.T) {
		const want = "redisstore: Breakers not made by NewBreakers (its zero value is not usable)"
		var s redisstore.Breakers
		assert.PanicsWithValue(t, want, func() { s.OpenUntil("a", now) })
		assert.PanicsWithValue(t, want, func() { s.Opened("a", now, now.Add(time.Second)) })
		assert.EqualError(t, s.Err(), want)
		assert.Zero(t, s.RoundTrips())
	})
	t.Run("Latency", func(t *testing.T) {
		const want = "redisstore: Latency not made by NewLatency (its zero value is not usable)"
		var l redisstore.Latency
		assert.PanicsWithValue(t, want, func() { l.Add("a", time.Second, now) })
		assert.PanicsWithValue(t, want, func() { l.Observed("a", 0.5, now) })
		assert.PanicsWithValue(t, want, func() { l.Degraded() })
		assert.EqualError(t, l.Flush(), want)
		assert.EqualError(t, l.Err(), want)
		assert.Zero(t, l.RoundTrips())
	})
	t.Run("Learner", func(t *testing.T) {
		const want = "redisstore: Learner not made by NewLearner (its zero value is not usable)"
		var l redisstore.Learner
		assert.PanicsWithValue(t, want, func() { l.Add("a", []float64{1}) })
		assert.PanicsWithValue(t, want, func() { l.Totals([]string{"a"}, now, 0) })
		assert.PanicsWithValue(t, want, func() { l.Degraded() })
		_, err := l.Seed("a", []float64{1})
		assert.EqualError(t, err, want)
		assert.EqualError(t, l.Flush(), want)
		assert.EqualError(t, l.Err(), want)
		assert.Zero(t, l.RoundTrips())
	})
	t.Run("Store", func(t *testing.T) {
		const want = "redisstore: Store not made by New (its zero value is not usable)"
		var s redisstore.Store
		_, _, err := s.Reserve(ctx, budget.Reservation{ID: "x", Buckets: bk, Min: 1, Max: 2, Now: now})
		assert.EqualError(t, err, want)
		assert.EqualError(t, s.Commit(ctx, "x", bk, 1, now), want)
		assert.EqualError(t, s.Refund(ctx, "x", bk), want)
		_, err = s.Remaining(ctx, bk, 1, now)
		assert.EqualError(t, err, want)
		_, _, err = s.Usage(ctx, bk[0], now)
		assert.EqualError(t, err, want)
		assert.False(t, s.Degraded())
	})
}

// A zero value plugged into what takes it (latency.New, bandit.New, a
// router's breaker settings, budget.New) is refused there, with the error
// naming the type and its constructor: a zero Latency or Learner made
// every call through the router end in ErrPanic, a zero Breakers left each
// breaker acting alone without a word, a zero Store failed every call.
func TestZeroValuesRefusedWhenPlugged(t *testing.T) {
	models := []string{"a", "b"}
	for _, tc := range []struct {
		name string
		make func() error
		want string
	}{
		{"Latency in latency.New", func() error {
			_, err := latency.New(latency.Config{Shared: &redisstore.Latency{}})
			return err
		}, "latency: Config.Shared: redisstore: Latency not made by NewLatency (its zero value is not usable)"},
		{"Learner in bandit.New", func() error {
			_, err := bandit.New(models, bandit.Options{Shared: &redisstore.Learner{}})
			return err
		}, "bandit: Options.Shared: redisstore: Learner not made by NewLearner (its zero value is not usable)"},
		{"Breakers in breaker.Settings", func() error {
			return breaker.Settings{Shared: &redisstore.Breakers{}}.Validate()
		}, "breaker: Settings.Shared: redisstore: Breakers not made by NewBreakers (its zero value is not usable)"},
		{"Breakers in a router", func() error {
			_, err := llmrouter.New([]llmrouter.Provider{routertest.NewProvider(llmrouter.ModelCard{Name: "a", Quality: 0.5})},
				llmrouter.WithFallback(llmrouter.Fallback{Breaker: breaker.Settings{Shared: &redisstore.Breakers{}}}))
			return err
		}, "redisstore: Breakers not made by NewBreakers (its zero value is not usable)"},
		{"Store in budget.New", func() error {
			_, err := budget.New(budget.Config{Store: &redisstore.Store{}})
			return err
		}, "budget: Config.Store: redisstore: Store not made by New (its zero value is not usable)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.make()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
