package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/breaker"
	"github.com/llmrouter/llmrouter/internal/redistest"
	"github.com/llmrouter/llmrouter/redisstore"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// breakerReplica is one router whose "cheap" model always fails with a
// server error (so it trips at once) and whose "strong" model answers; its
// breakers share open periods through its own client and Breakers.
type breakerReplica struct {
	r      *llmrouter.Router
	cheap  *routertest.Provider
	strong *routertest.Provider
	shared *redisstore.Breakers
}

func newBreakerReplica(t *testing.T, addr string, clock *routertest.Clock) *breakerReplica {
	rdb := redis.NewClient(&redis.Options{Addr: addr, ContextTimeoutEnabled: true, MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	shared, err := redisstore.NewBreakers(rdb, redisstore.BreakersOptions{Prefix: "{" + t.Name() + "}:", Timeout: 5 * time.Second})
	require.NoError(t, err)
	fail := routertest.Response{Err: routertest.ErrServer}
	rep := &breakerReplica{shared: shared,
		cheap:  routertest.NewProvider(cheapCard, fail).Then(fail),
		strong: routertest.NewProvider(strongCard, routertest.Response{Text: "ok"})}
	rep.r, err = llmrouter.New([]llmrouter.Provider{rep.cheap, rep.strong}, llmrouter.WithClock(clock),
		llmrouter.WithPolicy(llmrouter.CheapestAdequate{MinQuality: 0.5}),
		llmrouter.WithFallback(llmrouter.Fallback{Clock: clock, MaxRetries: -1,
			Breaker: breaker.Settings{ConsecutiveFailures: 1, Cooldown: time.Minute, Shared: shared}}))
	require.NoError(t, err)
	return rep
}

// TestBreakerSharedByReplicas: two routers on one real Redis; "cheap" trips
// on A, and B skips it without calling it until A's cooldown ends (on the
// routers' fake clock), then B probes it again.
func TestBreakerSharedByReplicas(t *testing.T) {
	srv := redistest.Start(t)
	clock := routertest.NewClock(start)
	a, b := newBreakerReplica(t, srv.Addr, clock), newBreakerReplica(t, srv.Addr, clock)
	ctx := context.Background()

	_, err := a.r.GenerateContent(ctx, prompt)
	require.NoError(t, err, "A falls back to strong")
	require.Equal(t, 1, a.cheap.CallCount())
	require.Equal(t, breaker.Open, a.r.Breakers().Breaker("cheap").Stats(clock.Now()).State, "cheap tripped on A")

	clock.Advance(time.Second)
	_, err = b.r.GenerateContent(ctx, prompt)
	require.NoError(t, err)
	assert.Zero(t, b.cheap.CallCount(), "B skips the model A tripped")
	assert.Equal(t, 1, b.strong.CallCount())
	assert.Equal(t, start.Add(time.Minute), b.r.Breakers().Breaker("cheap").RetryAt(clock.Now()), "B cools down until A's cooldown ends")

	clock.Advance(time.Minute - time.Second)
	_, err = b.r.GenerateContent(ctx, prompt)
	require.NoError(t, err)
	assert.Equal(t, 1, b.cheap.CallCount(), "the cooldown is over: B probes cheap (and it fails)")
	assert.Equal(t, breaker.Open, b.r.Breakers().Breaker("cheap").Stats(clock.Now()).State)

	clock.Advance(time.Second)
	_, err = a.r.GenerateContent(ctx, prompt)
	require.NoError(t, err)
	assert.Equal(t, 1, a.cheap.CallCount(), "B's failed probe re-opened cheap on A too")
}

// TestBreakersCache: within CacheFor of a read, OpenUntil answers from
// memory; Opened updates the local answer at once.
func TestBreakersCache(t *testing.T) {
	srv := redistest.Start(t)
	newShared := func() *redisstore.Breakers {
		rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, ContextTimeoutEnabled: true, MaxRetries: -1})
		t.Cleanup(func() { _ = rdb.Close() })
		s, err := redisstore.NewBreakers(rdb, redisstore.BreakersOptions{Prefix: "{" + t.Name() + "}:", CacheFor: time.Second, Timeout: 5 * time.Second})
		require.NoError(t, err)
		return s
	}
	a, b := newShared(), newShared()
	assert.True(t, b.OpenUntil("m", start).IsZero(), "nothing open yet (and B caches that)")
	a.Opened("m", start, start.Add(time.Minute))
	assert.Equal(t, start.Add(time.Minute), a.OpenUntil("m", start), "A knows its own trip without a round trip")
	assert.True(t, b.OpenUntil("m", start.Add(999*time.Millisecond)).IsZero(), "B's cached answer is still fresh")
	assert.Equal(t, start.Add(time.Minute), b.OpenUntil("m", start.Add(time.Second)), "B reads Redis again after CacheFor")
	a.Opened("m", start.Add(500*time.Millisecond), start.Add(30*time.Second))
	assert.Equal(t, start.Add(time.Minute), a.OpenUntil("m", start.Add(time.Second)), "an earlier end never shortens a later one")
	a.Opened("m", start.Add(2*time.Second), start.Add(2*time.Minute))
	assert.Equal(t, start.Add(2*time.Minute), b.OpenUntil("m", start.Add(3*time.Second)))
	assert.Equal(t, 3, a.RoundTrips(), "A: three scripts; each answer counts as a read")
	assert.Equal(t, 3, b.RoundTrips(), "B: three GETs, one per CacheFor")
}

// TestBreakersRedisDown: with Redis gone, OpenUntil returns the zero time
// within the timeout and the breakers act alone; when Redis returns, the
// shared state works again.
func TestBreakersRedisDown(t *testing.T) {
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, ContextTimeoutEnabled: true, MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	s, err := redisstore.NewBreakers(rdb, redisstore.BreakersOptions{Prefix: "{" + t.Name() + "}:", Timeout: 200 * time.Millisecond})
	require.NoError(t, err)
	srv.Kill()
	t0 := time.Now()
	s.Opened("m", start, start.Add(time.Minute)) // lost on Redis, kept locally
	assert.Equal(t, start.Add(time.Minute), s.OpenUntil("m", start), "what this replica published it still knows")
	assert.True(t, s.OpenUntil("other", start).IsZero(), "Redis down: no shared state")
	assert.Less(t, time.Since(t0), 2*time.Second, "each call bounded by Timeout")
	assert.Error(t, s.Err())

	srv.Start()
	s.Opened("other", start.Add(2*time.Second), start.Add(time.Minute))
	assert.NoError(t, s.Err())
}
