package redisstore

import (
	"context"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter/budget"
	"github.com/llmrouter/llmrouter/internal/redistest"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	t0  = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	bud = budget.Bucket{Key: "user=a/day", Limit: 1000, Window: budget.Window{Period: budget.Day}}
)

// reserve reserves [lo, hi] on bud at now and returns the grant (-1 when refused).
func reserve(t *testing.T, s *Store, id string, lo, hi budget.Nanos, now time.Time) budget.Nanos {
	t.Helper()
	got, refused, err := s.Reserve(context.Background(), budget.Reservation{ID: id, Buckets: []budget.Bucket{bud}, Min: lo, Max: hi, Now: now, Expires: now.Add(time.Hour)})
	require.NoError(t, err)
	if refused != nil {
		return -1
	}
	return got
}

// timed runs f and fails t if it takes longer than bound (wall time).
func timed(t *testing.T, bound time.Duration, what string, f func()) {
	t.Helper()
	start := time.Now()
	f()
	took := time.Since(start)
	assert.Less(t, took, bound, "%s took %s", what, took)
}

// TestRedisDown: Redis is killed mid-run (with an append-only file, so
// that it comes back with what it had). Calls never wait past the
// timeout, the store enforces its share of the limit alone, and when
// Redis returns, what was spent meanwhile is charged to it and the holds
// of requests that finished are released: the totals are exact.
func TestRedisDown(t *testing.T) {
	srv := redistest.Start(t, "--appendonly", "yes", "--appendfsync", "always")
	clock := routertest.NewClock(t0)
	var states []bool
	// Redis down refuses connections at once, so the calls below return
	// long before Timeout (TestRedisSlow tests the timeout itself); a
	// generous one keeps a loaded machine from degrading the store while
	// Redis is up (with 200 ms, 4 runs in 40 failed under the whole suite).
	s, err := New(newClient(t, srv), Options{Replicas: 4, Timeout: 10 * time.Second, RetryEvery: time.Second, Clock: clock,
		OnStateChange: func(d bool, err error) { states = append(states, d) }})
	require.NoError(t, err)
	ctx := context.Background()
	b := []budget.Bucket{bud}

	require.EqualValues(t, 300, reserve(t, s, "r1", 300, 300, t0)) // held on Redis
	require.EqualValues(t, 200, reserve(t, s, "r2", 200, 200, t0)) // held on Redis
	require.NoError(t, s.Commit(ctx, "r0", b, 100, t0))            // spent on Redis
	srv.Kill()
	timed(t, time.Second, "a reserve with Redis down", func() {
		assert.EqualValues(t, -1, reserve(t, s, "l1", 300, 300, t0), "the local share is 1000/4")
	})
	require.True(t, s.Degraded())
	assert.EqualValues(t, 250, reserve(t, s, "l2", 100, 400, t0), "the most of the local share")
	require.NoError(t, s.Commit(ctx, "r1", b, 120, t0)) // a Redis reservation, settled later
	require.NoError(t, s.Refund(ctx, "r2", b))          // likewise
	require.NoError(t, s.Commit(ctx, "l2", b, 90, t0))  // a local one
	require.NoError(t, s.Commit(ctx, "x", b, 7, t0))    // no reservation
	st, err := s.Remaining(ctx, b, 0, t0)
	require.NoError(t, err)
	assert.Equal(t, budget.Nanos(250-120-90-7), st.Remaining, "the local share counts what was spent during the outage")

	srv.Start()
	assert.True(t, s.Degraded(), "no retry before RetryEvery")
	clock.Advance(time.Second)
	assert.EqualValues(t, 400, reserve(t, s, "r3", 400, 400, t0), "back on Redis: 1000 - 100 - 120 - 90 - 7 - holds")
	assert.False(t, s.Degraded())
	require.NoError(t, s.Refund(ctx, "r3", b))
	spent, held, err := s.Usage(ctx, bud, t0)
	require.NoError(t, err)
	assert.Equal(t, budget.Nanos(100+120+90+7), spent, "what was spent while Redis was away is charged to it, once")
	assert.Zero(t, held, "the holds of requests that finished meanwhile are released")
	assert.Equal(t, []bool{true, false}, states)
}

// TestRedisSlow: Redis stops answering (CLIENT PAUSE WRITE: scripts
// wait). Calls return at the timeout and are served locally, whether or
// not the client applies context deadlines to its reads (the store does
// not rely on it); on recovery Redis counts the commit once.
func TestRedisSlow(t *testing.T) {
	for _, honours := range []bool{true, false} {
		t.Run(map[bool]string{true: "client honours deadlines", false: "client ignores deadlines"}[honours], func(t *testing.T) {
			srv := redistest.Start(t)
			rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, ContextTimeoutEnabled: honours, ReadTimeout: 20 * time.Second, MaxRetries: -1})
			t.Cleanup(func() { _ = rdb.Close() })
			clock := routertest.NewClock(t0)
			s, err := New(rdb, Options{Replicas: 2, Timeout: 50 * time.Millisecond, Clock: clock})
			require.NoError(t, err)
			ctx := context.Background()
			b := []budget.Bucket{bud}
			require.EqualValues(t, 300, reserve(t, s, "r1", 300, 300, t0))

			admin := newClient(t, srv)
			require.NoError(t, admin.Do(ctx, "CLIENT", "PAUSE", 10_000, "WRITE").Err())
			timed(t, time.Second, "a commit with Redis paused for 10 s", func() {
				require.NoError(t, s.Commit(ctx, "r1", b, 250, t0))
			})
			require.True(t, s.Degraded())
			timed(t, time.Second, "a reserve while degraded", func() {
				assert.EqualValues(t, 250, reserve(t, s, "l1", 100, 400, t0), "local share: 1000/2, less the 250 committed meanwhile")
			})
			timed(t, time.Second, "a remaining while degraded", func() {
				_, err := s.Remaining(ctx, b, 0, t0)
				require.NoError(t, err)
			})
			require.NoError(t, s.Commit(ctx, "l1", b, 200, t0))
			require.NoError(t, admin.Do(ctx, "CLIENT", "UNPAUSE").Err())

			// The recovery must finish within the 50 ms Timeout, which a
			// loaded machine (the whole suite under -race) sometimes
			// misses: each retry comes RetryEvery later, as in service.
			var st budget.Status
			for try := 0; try == 0 || s.Degraded(); try++ {
				require.Less(t, try, 20, "the store never recovered")
				clock.Advance(time.Second)
				st, err = s.Remaining(ctx, b, 0, t0)
				require.NoError(t, err)
			}
			assert.Equal(t, budget.Status{Limit: 1000, Spent: 450, Remaining: 550}, st, "Redis counts the commit once, and the local spend")
			s.calls.Wait() // the abandoned commit has ended by now
			spent, held, err := s.Usage(ctx, bud, t0)
			require.NoError(t, err)
			assert.Equal(t, budget.Nanos(450), spent, "still once")
			assert.Zero(t, held)
			mark, err := admin.HGet(ctx, DefaultPrefix+bud.Key+":holds", "r1").Result()
			require.NoError(t, err)
			assert.Equal(t, "-", mark, "r1 is marked committed")
		})
	}
}

func TestCallerCancellation(t *testing.T) {
	srv := redistest.Start(t)
	s, err := New(newClient(t, srv), Options{Replicas: 1})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err = s.Reserve(ctx, budget.Reservation{ID: "1", Buckets: []budget.Bucket{bud}, Min: 1, Max: 1, Now: t0, Expires: t0.Add(time.Hour)})
	assert.ErrorIs(t, err, context.Canceled)
	assert.False(t, s.Degraded(), "the caller giving up is not Redis failing")
}

// TestCommitReplay: settling a commit again (after its reply was lost)
// changes nothing, for a reservation's commit and for a charge without
// one, so recovery may replay what it is unsure of.
func TestCommitReplay(t *testing.T) {
	srv := redistest.Start(t)
	s, err := New(newClient(t, srv), Options{Replicas: 1})
	require.NoError(t, err)
	ctx := context.Background()
	b := []budget.Bucket{bud, {Key: "global/month", Limit: 5000, Window: budget.Window{Period: budget.Month}}}
	got, refused, err := s.Reserve(ctx, budget.Reservation{ID: "r1", Buckets: b, Min: 300, Max: 300, Now: t0, Expires: t0.Add(time.Hour)})
	require.NoError(t, err)
	require.Nil(t, refused)
	require.EqualValues(t, 300, got)
	for range 2 {
		require.NoError(t, s.redisCommit(ctx, "r1", b, 250, t0))
		require.NoError(t, s.redisCommit(ctx, "late", b, 10, t0))
	}
	for _, bk := range b {
		spent, held, err := s.Usage(ctx, bk, t0)
		require.NoError(t, err)
		assert.Equal(t, budget.Nanos(260), spent, bk.Key)
		assert.Zero(t, held, bk.Key)
	}
}

// TestLocalShareOfWhatWasLeft: while degraded, a replica enforces its
// share of what Redis last reported left, not of the whole limit, in the
// same calendar window; in the next window, of the whole limit.
func TestLocalShareOfWhatWasLeft(t *testing.T) {
	srv := redistest.Start(t)
	s, err := New(newClient(t, srv), Options{Replicas: 4, Clock: routertest.NewClock(t0)})
	require.NoError(t, err)
	ctx := context.Background()
	b := []budget.Bucket{bud}
	require.NoError(t, s.Commit(ctx, "r0", b, 600, t0))
	st, err := s.Remaining(ctx, b, 0, t0)
	require.NoError(t, err)
	require.EqualValues(t, 400, st.Remaining)
	srv.Kill()
	st, err = s.Remaining(ctx, b, 0, t0)
	require.NoError(t, err)
	require.True(t, s.Degraded())
	assert.EqualValues(t, 100, st.Remaining, "a quarter of the 400 left")
	assert.EqualValues(t, 100, reserve(t, s, "l1", 1, 1000, t0))
	tomorrow := t0.Add(24 * time.Hour)
	st, err = s.Remaining(ctx, b, 0, tomorrow)
	require.NoError(t, err)
	assert.EqualValues(t, 250, st.Remaining, "a new day: a quarter of the limit")
}

// TestLocalShareAfterReservesOnly: a replica that only reserves and
// commits, never asking what is left, learns from each reservation what
// Redis has spent, so that degraded it enforces its share of what was
// left, as TestLocalShareOfWhatWasLeft's replica does; it enforced its
// share of the whole limit.
func TestLocalShareAfterReservesOnly(t *testing.T) {
	srv := redistest.Start(t)
	s, err := New(newClient(t, srv), Options{Replicas: 4, Clock: routertest.NewClock(t0)})
	require.NoError(t, err)
	ctx := context.Background()
	b := []budget.Bucket{bud}
	require.EqualValues(t, 600, reserve(t, s, "r1", 600, 600, t0))
	require.NoError(t, s.Commit(ctx, "r1", b, 600, t0))
	require.EqualValues(t, 1, reserve(t, s, "r2", 1, 1, t0)) // Redis had spent 600 when it reserved
	require.NoError(t, s.Commit(ctx, "r2", b, 1, t0))
	srv.Kill()
	got := reserve(t, s, "l1", 1, 1000, t0)
	require.True(t, s.Degraded())
	assert.EqualValues(t, 100, got, "a quarter of the 400 left at the last reservation")
	tomorrow := t0.Add(24 * time.Hour)
	assert.EqualValues(t, 250, reserve(t, s, "l2", 1, 1000, tomorrow), "a new day: a quarter of the limit")
}
