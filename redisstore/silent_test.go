package redisstore

import (
	"context"
	"net"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter/budget"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// silentRedis is a listener that accepts connections and never answers;
// closing it closes them too.
func silentRedis(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		<-done
		mu.Lock()
		for _, c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
	})
	return l.Addr().String()
}

// TestSilentRedis: against a Redis that accepts connections and never
// answers, with a client that ignores contexts (go-redis's default), every
// call of every type returns within about its bound (Timeout; twice it
// for a Flush, which waits for the sync running), reports the failure
// where it has a way to (Degraded, Err), and serves from memory; once the
// client is closed, the commands abandoned at their deadlines end and no
// goroutine of the package is left.
func TestSilentRedis(t *testing.T) {
	before := runtime.NumGoroutine()
	addr := silentRedis(t)
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	const timeout = 100 * time.Millisecond
	clock := routertest.NewClock(t0)
	ctx := context.Background()
	b := []budget.Bucket{bud}

	st, err := New(rdb, Options{Replicas: 2, Timeout: timeout, Clock: clock})
	require.NoError(t, err)
	br, err := NewBreakers(rdb, BreakersOptions{Timeout: timeout})
	require.NoError(t, err)
	lat, err := NewLatency(rdb, LatencyOptions{Timeout: timeout})
	require.NoError(t, err)
	lrn, err := NewLearner(rdb, LearnerOptions{Timeout: timeout})
	require.NoError(t, err)

	for _, c := range []struct {
		name  string
		bound time.Duration
		call  func(t *testing.T)
	}{
		{"Store.Reserve", timeout, func(t *testing.T) {
			got, refused, err := st.Reserve(ctx, budget.Reservation{ID: "r1", Buckets: b, Min: 100, Max: 100, Now: t0, Expires: t0.Add(time.Hour)})
			require.NoError(t, err, "Redis's failure is served locally")
			assert.Nil(t, refused)
			assert.EqualValues(t, 100, got)
			assert.True(t, st.Degraded())
		}},
		{"Store.Commit", timeout, func(t *testing.T) { require.NoError(t, st.Commit(ctx, "r1", b, 80, t0)) }},
		{"Store.Refund", timeout, func(t *testing.T) { require.NoError(t, st.Refund(ctx, "r0", b)) }},
		{"Store.Remaining after RetryEvery (a retry)", 2 * timeout, func(t *testing.T) {
			clock.Advance(DefaultRetryEvery)
			rem, err := st.Remaining(ctx, b, 0, t0)
			require.NoError(t, err)
			assert.EqualValues(t, 1000/2-80, rem.Remaining, "the local share, less what was spent")
			assert.True(t, st.Degraded())
		}},
		{"Store.Usage", timeout, func(t *testing.T) {
			_, _, err := st.Usage(ctx, bud, t0)
			assert.ErrorContains(t, err, "deadline exceeded", "Usage reads Redis only")
		}},
		{"Breakers.Opened", timeout, func(t *testing.T) {
			br.Opened("m", t0, t0.Add(time.Minute))
			assert.Error(t, br.Err())
		}},
		{"Breakers.OpenUntil", timeout, func(t *testing.T) {
			assert.Equal(t, t0.Add(time.Minute), br.OpenUntil("m", t0.Add(2*DefaultCacheFor)), "what this replica published")
		}},
		{"Latency.Observed and Flush", 2 * timeout, func(t *testing.T) {
			lat.Add("m", time.Second, t0)
			assert.EqualValues(t, 1, lat.Observed("m", 0.5, t0).Samples, "from memory")
			assert.Error(t, lat.Flush())
			assert.True(t, lat.Degraded())
		}},
		{"Learner.Totals and Flush", 2 * timeout, func(t *testing.T) {
			lrn.Add("arm", []float64{1})
			tot, _ := lrn.Totals([]string{"arm"}, t0, 1<<60)
			assert.Equal(t, [][]float64{{1}}, tot, "from memory")
			assert.Error(t, lrn.Flush())
			assert.True(t, lrn.Degraded())
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			c.call(t)
			took := time.Since(start)
			assert.Less(t, took, c.bound+time.Second, "bound %s (and a second for a loaded machine)", c.bound)
		})
	}

	require.NoError(t, rdb.Close())
	st.calls.Wait()
	br.calls.Wait()
	for _, c := range []*counters{lat.c, lrn.c} {
		c.bg.Wait()
		c.calls.Wait()
	}
	assert.True(t, routertest.Eventually(func() bool { return runtime.NumGoroutine() <= before+1 }),
		"goroutines: %d before, %d after (the listener's accept loop remains until the test ends)", before, runtime.NumGoroutine())
}
