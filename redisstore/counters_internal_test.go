package redisstore

import (
	"context"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter/internal/redistest"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCountersBatchAppliedOnce: a batch sent again (its reply lost) is
// applied once; increments made while it is in flight go in the next
// batch; totals are the read ones plus what is not yet applied.
func TestCountersBatchAppliedOnce(t *testing.T) {
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	t.Cleanup(func() { _ = rdb.Close() })
	c := newCounters(rdb, "{t}:", 5*time.Second, time.Second)
	noTTL := func(string) time.Duration { return 0 }
	x := func(int) string { return "x" }
	sum := func(key string) (s float64) {
		c.totals(key, func(_ string, v float64) { s += v })
		return s
	}

	c.add("{t}:k", []float64{1.5}, x)
	c.add("{t}:k", []float64{1}, x)
	assert.Equal(t, 2.5, sum("{t}:k"), "pending counts before any sync")
	require.NoError(t, c.sync([]string{"{t}:k"}, noTTL, nil))
	assert.Equal(t, 2.5, sum("{t}:k"))

	c.add("{t}:k", []float64{4}, x)
	c.mu.Lock()
	c.inflight = &batch{id: "fixed", inc: c.pending}
	c.pending = map[string]map[string]float64{}
	c.mu.Unlock()
	// Its first send reached Redis, but the reply was lost.
	require.NoError(t, rdb.Eval(context.Background(), addScript, []string{"{t}:batch:fixed", "{t}:k"},
		markerTTL.Milliseconds(), 0, 0, 1, "x", "4").Err())
	c.add("{t}:k", []float64{100}, x)
	assert.Equal(t, 2.5+4+100, sum("{t}:k"), "until confirmed, the batch counts on top of the read totals")
	require.NoError(t, c.sync([]string{"{t}:k"}, noTTL, nil))
	got, err := rdb.HGet(context.Background(), "{t}:k", "x").Float64()
	require.NoError(t, err)
	assert.Equal(t, 6.5, got, "the batch sent twice is applied once; the new increment waits")
	assert.Equal(t, 106.5, sum("{t}:k"))
	require.NoError(t, c.sync([]string{"{t}:k"}, noTTL, nil))
	got, err = rdb.HGet(context.Background(), "{t}:k", "x").Float64()
	require.NoError(t, err)
	assert.Equal(t, 106.5, got)
	assert.Equal(t, 106.5, sum("{t}:k"))

	require.NoError(t, rdb.FlushAll(context.Background()).Err()) // Redis loses its data
	require.NoError(t, c.sync([]string{"{t}:k"}, noTTL, nil))
	assert.Equal(t, 1, c.resets)
	assert.Equal(t, 106.5, sum("{t}:k"), "what this replica added is queued again, and counted meanwhile")
	require.NoError(t, c.sync([]string{"{t}:k"}, noTTL, nil))
	got, err = rdb.HGet(context.Background(), "{t}:k", "x").Float64()
	require.NoError(t, err)
	assert.Equal(t, 106.5, got, "and applied once")
	require.NoError(t, c.sync([]string{"{t}:k"}, noTTL, nil))
	assert.Equal(t, 1, c.resets)
	assert.Equal(t, 106.5, sum("{t}:k"))
}

// TestCountersDue: one caller claims a due sync; a clock set back far
// does not stop syncs.
func TestCountersDue(t *testing.T) {
	c := newCounters(redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"}), "", time.Millisecond, time.Second)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	require.True(t, c.due(t0))
	assert.False(t, c.due(t0), "claimed: the others answer from memory")
	require.Error(t, c.sync([]string{"k"}, nil, nil), "nothing listens on port 1")
	assert.False(t, c.due(t0.Add(999*time.Millisecond)))
	assert.True(t, c.due(t0.Add(time.Second)))
	c.mu.Lock()
	c.syncing = false
	c.mu.Unlock()
	assert.True(t, c.due(t0.Add(-time.Hour)), "clock set back")
}
