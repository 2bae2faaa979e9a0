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

// TestSyncOffTheRequestPath: the request that finds a sync due while
// Redis is healthy (no sync has failed) answers from memory at once and
// the round trip runs in the background, one at a time; its result is
// what the next call after it returns. Redis stalls (a hook holds the
// pipeline) until the first call has returned: done inline, the call
// would wait until Timeout and record it as a failure.
func TestSyncOffTheRequestPath(t *testing.T) {
	srv := redistest.Start(t)
	const every, timeout = time.Second, 3 * time.Second
	for _, tc := range []struct {
		name string
		// setup returns add (one increment, counted from memory) and
		// read (what a request reads at now: 1 once the increment counts).
		setup func(t *testing.T, rdb redis.UniversalClient, prefix string) (add func(), read func(now time.Time) float64, wait func(), trips func() int, err func() error)
	}{
		{"learner", func(t *testing.T, rdb redis.UniversalClient, prefix string) (func(), func(time.Time) float64, func(), func() int, func() error) {
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
			return func() { l.Add("arm", []float64{1}) }, read, l.WaitSync, l.RoundTrips, l.Err
		}},
		{"latency", func(t *testing.T, rdb redis.UniversalClient, prefix string) (func(), func(time.Time) float64, func(), func() int, func() error) {
			l, err := redisstore.NewLatency(rdb, redisstore.LatencyOptions{Prefix: prefix, Timeout: timeout, SyncEvery: every})
			require.NoError(t, err)
			read := func(now time.Time) float64 { return float64(l.Observed("m", 0.5, now).Samples) }
			return func() { l.Add("m", time.Second, start) }, read, l.WaitSync, l.RoundTrips, l.Err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, ContextTimeoutEnabled: true, MaxRetries: -1})
			t.Cleanup(func() { _ = rdb.Close() })
			h := stallHook{entered: make(chan struct{}, 4), release: make(chan struct{})}
			var once sync.Once
			unstall := func() { once.Do(func() { close(h.release) }) }
			rdb.AddHook(h)
			add, read, wait, trips, errOf := tc.setup(t, rdb, "{"+t.Name()+"}:")
			t.Cleanup(wait)    // second: the background sync has ended
			t.Cleanup(unstall) // first, should the test stop early

			add()
			assert.Equal(t, 1.0, read(start), "a sync is due: the call answers from memory")
			require.NoError(t, errOf(), "and did not wait for the stalled round trip (Timeout %s)", timeout)
			<-h.entered // the round trip started, in the background
			assert.Equal(t, 1.0, read(start.Add(2*every)), "one sync at a time: the next due call answers from memory too")
			assert.Equal(t, 1, trips())

			unstall()
			wait()
			require.NoError(t, errOf())
			// The sync's result is visible to the next call: the total
			// as Redis holds it (the increment applied, not counted
			// twice).
			assert.Equal(t, 1.0, read(start.Add(2*every+time.Millisecond)))
			got, err := rdb.Keys(context.Background(), "{"+t.Name()+"}:*").Result()
			require.NoError(t, err)
			assert.NotEmpty(t, got, "the batch reached Redis")
		})
	}
}
