package redisstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter/internal/redistest"
	"github.com/llmrouter/llmrouter/redisstore"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stallHook holds every pipeline (the syncs' round trips) until release
// is closed, signalling entered as each starts.
type stallHook struct {
	entered chan struct{}
	release chan struct{}
}

func (stallHook) DialHook(next redis.DialHook) redis.DialHook          { return next }
func (stallHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }
func (h stallHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.entered <- struct{}{}
		<-h.release
		return next(ctx, cmds)
	}
}

// syncStore is a Learner or a Latency seen the same way by the tests
// below: add makes one increment (an update, a sample), read is what a
// request reads at now (the increments counted), inRedis what Redis
// holds.
type syncStore struct {
	add     func()
	read    func(now time.Time) float64
	inRedis func() float64
	wait    func()
	flush   func() error
	trips   func() int
	err     func() error
}

// syncStores builds each kind of store on rdb, under prefix.
var syncStores = []struct {
	name string
	new  func(t *testing.T, rdb redis.UniversalClient, prefix string, timeout, every time.Duration) syncStore
}{
	{"learner", func(t *testing.T, rdb redis.UniversalClient, prefix string, timeout, every time.Duration) syncStore {
		l, err := redisstore.NewLearner(rdb, redisstore.LearnerOptions{Prefix: prefix, Timeout: timeout, SyncEvery: every})
		require.NoError(t, err)
		var since uint64 = 1 << 60 // no generation: the first call returns totals
		var last float64
		read := func(now time.Time) float64 {
			tot, gen := l.Totals([]string{"arm"}, now, since)
			if tot != nil {
				since, last = gen, 0
				if len(tot[0]) > 0 {
					last = tot[0][0]
				}
			}
			return last
		}
		return syncStore{add: func() { l.Add("arm", []float64{1}) }, read: read,
			inRedis: func() float64 { return hashSum(t, rdb, prefix+"learner:*", "0") },
			wait:    l.WaitSync, flush: l.Flush, trips: l.RoundTrips, err: l.Err}
	}},
	{"latency", func(t *testing.T, rdb redis.UniversalClient, prefix string, timeout, every time.Duration) syncStore {
		l, err := redisstore.NewLatency(rdb, redisstore.LatencyOptions{Prefix: prefix, Timeout: timeout, SyncEvery: every})
		require.NoError(t, err)
		return syncStore{add: func() { l.Add("m", time.Second, start) },
			read:    func(now time.Time) float64 { return float64(l.Observed("m", 0.5, now).Samples) },
			inRedis: func() float64 { return hashSum(t, rdb, prefix+"latency:*", "n") },
			wait:    l.WaitSync, flush: l.Flush, trips: l.RoundTrips, err: l.Err}
	}},
}

// hashSum sums field over the hashes whose keys match pattern.
func hashSum(t *testing.T, rdb redis.UniversalClient, pattern, field string) (sum float64) {
	t.Helper()
	keys, err := rdb.Keys(context.Background(), pattern).Result()
	require.NoError(t, err)
	for _, k := range keys {
		v, err := rdb.HGet(context.Background(), k, field).Float64()
		require.NoError(t, err, k)
		sum += v
	}
	return sum
}

// stalledStore is a store made by newStore on a stalled client of addr
// (see stalled), its background sync waited for at the test's end.
func stalledStore(t *testing.T, addr string, newStore func(*testing.T, redis.UniversalClient, string, time.Duration, time.Duration) syncStore, timeout, every time.Duration) (syncStore, stallHook, func()) {
	rdb, h, unstall := stalled(t, addr)
	st := newStore(t, rdb, "{"+t.Name()+"}:", timeout, every)
	t.Cleanup(st.wait) // second: the background sync has ended
	t.Cleanup(unstall) // first, should the test stop early
	return st, h, unstall
}

// stalled is a client of srv whose pipelines h holds; the test's end
// releases them and waits for the store's background sync (register it
// with the cleanup returned, once the store exists).
func stalled(t *testing.T, addr string) (redis.UniversalClient, stallHook, func()) {
	rdb := redis.NewClient(&redis.Options{Addr: addr, ContextTimeoutEnabled: true, MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	h := stallHook{entered: make(chan struct{}, 4), release: make(chan struct{})}
	var once sync.Once
	rdb.AddHook(h)
	return rdb, h, func() { once.Do(func() { close(h.release) }) }
}

// TestSyncOffTheRequestPath: the request that finds a sync due while
// Redis is healthy (no sync has failed) answers from memory at once and
// the round trip runs in the background, one at a time; its result is
// what the next call after it returns. Redis stalls (a hook holds the
// pipeline) until the first call has returned: done inline, the call
// would wait until Timeout and record it as a failure.
func TestSyncOffTheRequestPath(t *testing.T) {
	srv := redistest.Start(t)
	const every, timeout = time.Second, 3 * time.Second
	for _, tc := range syncStores {
		t.Run(tc.name, func(t *testing.T) {
			st, h, unstall := stalledStore(t, srv.Addr, tc.new, timeout, every)

			st.add()
			assert.Equal(t, 1.0, st.read(start), "a sync is due: the call answers from memory")
			require.NoError(t, st.err(), "and did not wait for the stalled round trip (Timeout %s)", timeout)
			<-h.entered // the round trip started, in the background
			assert.Equal(t, 1.0, st.read(start.Add(2*every)), "one sync at a time: the next due call answers from memory too")
			assert.Equal(t, 1, st.trips())

			unstall()
			st.wait()
			require.NoError(t, st.err())
			// The sync's result is visible to the next call: the total
			// as Redis holds it (the increment applied, not counted
			// twice).
			assert.Equal(t, 1.0, st.read(start.Add(2*every+time.Millisecond)))
			assert.Equal(t, 1.0, st.inRedis(), "the batch reached Redis")
		})
	}
}

// TestFlush: Flush, called while a sync stalls in the background, waits
// for it and then sends what was added since (no sync due), so a replica
// that stops loses nothing.
func TestFlush(t *testing.T) {
	srv := redistest.Start(t)
	const every, timeout = time.Second, 3 * time.Second
	for _, tc := range syncStores {
		t.Run(tc.name, func(t *testing.T) {
			st, h, unstall := stalledStore(t, srv.Addr, tc.new, timeout, every)

			st.add()
			st.read(start) // starts a sync, which stalls
			<-h.entered
			st.add() // waits for the next sync
			flushed := make(chan error, 1)
			go func() { flushed <- st.flush() }()
			unstall()
			require.NoError(t, <-flushed)
			assert.Equal(t, 2.0, st.inRedis(), "both increments sent, each once")
			assert.Equal(t, 2, st.trips())
			assert.Equal(t, 2.0, st.read(start), "and read back")
			require.NoError(t, st.flush(), "nothing to send: a read")
			assert.Equal(t, 2.0, st.inRedis())
		})
	}
}
