package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter/budget"
	"github.com/llmrouter/llmrouter/redisstore"
	"github.com/stretchr/testify/assert"
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
