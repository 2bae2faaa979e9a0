package redisstore_test

import (
	"sync"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter/internal/redistest"
	"github.com/llmrouter/llmrouter/redisstore"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStatsConcurrentUse: a Learner and a Latency used by many goroutines
// at once — increments, reads that start background syncs, Flushes
// concurrent with each other and with the syncs — count every increment
// exactly once in Redis and read it back, with no race (run under -race).
func TestStatsConcurrentUse(t *testing.T) {
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, ContextTimeoutEnabled: true, MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	const every = time.Millisecond // on the callers' clock: most reads find a sync due
	type store struct {
		add     func()
		read    func(now time.Time) float64
		flush   func() error
		wait    func()
		inRedis func() float64
	}
	for _, tc := range []struct {
		name string
		new  func(t *testing.T, prefix string) store
	}{
		{"learner", func(t *testing.T, prefix string) store {
			l, err := redisstore.NewLearner(rdb, redisstore.LearnerOptions{Prefix: prefix, Timeout: 5 * time.Second, SyncEvery: every})
			require.NoError(t, err)
			return store{add: func() { l.Add("arm", []float64{1}) },
				read: func(now time.Time) float64 {
					tot, _ := l.Totals([]string{"arm"}, now, 1<<60)
					if len(tot) == 0 || len(tot[0]) == 0 {
						return 0
					}
					return tot[0][0]
				},
				flush: l.Flush, wait: l.WaitSync, inRedis: func() float64 { return hashSum(t, rdb, prefix+"learner:*", "0") }}
		}},
		{"latency", func(t *testing.T, prefix string) store {
			l, err := redisstore.NewLatency(rdb, redisstore.LatencyOptions{Prefix: prefix, Timeout: 5 * time.Second, SyncEvery: every})
			require.NoError(t, err)
			return store{add: func() { l.Add("m", time.Second, start) },
				read:  func(now time.Time) float64 { return float64(l.Observed("m", 0.5, now).Samples) },
				flush: l.Flush, wait: l.WaitSync, inRedis: func() float64 { return hashSum(t, rdb, prefix+"latency:*", "n") }}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := tc.new(t, "{"+t.Name()+"}:")
			const workers, each = 8, 100
			var wg sync.WaitGroup
			errs := make(chan error, workers*each)
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range each {
						st.add()
						st.read(start.Add(time.Duration(i) * every)) // starts a sync when one is due
						// Two goroutines flush now and then, while the others sync.
						if w < 2 && i%25 == 0 {
							if err := st.flush(); err != nil {
								errs <- err
							}
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				assert.NoError(t, err)
			}
			st.wait()
			require.NoError(t, st.flush())
			assert.Equal(t, float64(workers*each), st.inRedis(), "every increment in Redis, once")
			assert.Equal(t, float64(workers*each), st.read(start.Add(time.Hour/60)), "and read back")
		})
	}
}
