package redisstore

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter/budget"
	"github.com/llmrouter/llmrouter/internal/redistest"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lateHook fails the next script once (failScript), and holds the next
// pipeline (the recovery's script load) until its deadline has passed,
// then runs it all the same: a client that ignores deadlines and
// answers late (lateLoad).
type lateHook struct {
	failScript, lateLoad *atomic.Bool
}

func (lateHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h lateHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if strings.HasPrefix(cmd.Name(), "eval") && h.failScript.CompareAndSwap(true, false) {
			err := errors.New("connection reset (injected)")
			cmd.SetErr(err)
			return err
		}
		return next(ctx, cmd)
	}
}
func (h lateHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if h.lateLoad.CompareAndSwap(true, false) {
			<-ctx.Done()
			return next(context.WithoutCancel(ctx), cmds)
		}
		return next(ctx, cmds)
	}
}

// TestLateRecoveryKeepsStateChangesPaired: a retry whose recovery
// answers only after its Timeout (the call has been served locally by
// then) does not make the store healthy behind OnStateChange's back: the
// store stays degraded until a retry recovers in time, and the state
// changes seen are exactly degraded, then recovered, each matching
// Degraded().
func TestLateRecoveryKeepsStateChangesPaired(t *testing.T) {
	srv := redistest.Start(t)
	h := lateHook{failScript: &atomic.Bool{}, lateLoad: &atomic.Bool{}}
	rdb := newClient(t, srv)
	rdb.AddHook(h)
	clock := routertest.NewClock(t0)
	var mu sync.Mutex
	var states []bool
	s, err := New(rdb, Options{Replicas: 1, Timeout: 100 * time.Millisecond, Clock: clock, OnStateChange: func(d bool, _ error) {
		mu.Lock()
		states = append(states, d)
		mu.Unlock()
	}})
	require.NoError(t, err)
	seen := func() []bool { mu.Lock(); defer mu.Unlock(); return append([]bool(nil), states...) }
	ctx := context.Background()
	b := []budget.Bucket{bud}

	h.failScript.Store(true)
	_, err = s.Remaining(ctx, b, 0, t0)
	require.NoError(t, err, "served locally")
	require.True(t, s.Degraded())
	require.Equal(t, []bool{true}, seen())

	h.lateLoad.Store(true)
	clock.Advance(DefaultRetryEvery)
	_, err = s.Remaining(ctx, b, 0, t0) // the retry's recovery answers after its Timeout
	require.NoError(t, err)
	s.calls.Wait() // the recovery, abandoned at its deadline, has ended
	assert.True(t, s.Degraded(), "a recovery that answered late does not count: the store stays degraded")
	assert.Equal(t, []bool{true}, seen(), "and no state change is missed")

	clock.Advance(DefaultRetryEvery)
	_, err = s.Remaining(ctx, b, 0, t0) // a retry in time
	require.NoError(t, err)
	assert.False(t, s.Degraded())
	assert.Equal(t, []bool{true, false}, seen())
}
