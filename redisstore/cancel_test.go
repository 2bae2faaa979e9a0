package redisstore

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter/budget"
	"github.com/llmrouter/llmrouter/internal/redistest"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// replyLostHook, once armed, lets the next script run on Redis and then
// holds its reply until the caller's context ends: a caller that gives up
// after Redis applied its call.
type replyLostHook struct {
	armed   *atomic.Bool
	entered chan struct{}
}

func (replyLostHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (replyLostHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
func (h replyLostHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if err == nil && strings.HasPrefix(cmd.Name(), "eval") && h.armed.CompareAndSwap(true, false) {
			h.entered <- struct{}{}
			<-ctx.Done()
			return ctx.Err()
		}
		return err
	}
}

// TestCallerCancellationEveryMethod: a caller's context that ends before
// a call, or while Redis's reply is outstanding (Redis applied the call),
// ends the call with the context's error; it never degrades the store
// (Redis did not fail), a hold the reservation made is released, and a
// commit or refund is completed all the same (in the background), so the
// totals are as if the call had succeeded, and a retry counts once.
func TestCallerCancellationEveryMethod(t *testing.T) {
	srv := redistest.Start(t)
	armed := &atomic.Bool{}
	h := replyLostHook{armed: armed, entered: make(chan struct{}, 1)}
	rdb := newClient(t, srv)
	rdb.AddHook(h)
	b := []budget.Bucket{bud}
	for _, tc := range []struct {
		name      string
		reserved  bool // r1 holds 300 before the call
		call      func(ctx context.Context, s *Store) error
		spent     budget.Nanos
		retry     func(s *Store) error // a retry with a live context, once the call ended
		heldAfter budget.Nanos
	}{
		{name: "reserve", call: func(ctx context.Context, s *Store) error {
			_, _, err := s.Reserve(ctx, budget.Reservation{ID: "r2", Buckets: b, Min: 200, Max: 200, Now: t0, Expires: t0.Add(time.Hour)})
			return err
		}},
		{name: "commit", reserved: true, spent: 250, call: func(ctx context.Context, s *Store) error {
			return s.Commit(ctx, "r1", b, 250, t0)
		}, retry: func(s *Store) error { return s.Commit(context.Background(), "r1", b, 250, t0) }},
		{name: "refund", reserved: true, call: func(ctx context.Context, s *Store) error {
			return s.Refund(ctx, "r1", b)
		}, retry: func(s *Store) error { return s.Refund(context.Background(), "r1", b) }},
		{name: "remaining", reserved: true, heldAfter: 300, call: func(ctx context.Context, s *Store) error {
			_, err := s.Remaining(ctx, b, 0, t0)
			return err
		}},
	} {
		for _, during := range []bool{false, true} {
			t.Run(tc.name+map[bool]string{false: "/cancelled before", true: "/cancelled awaiting the reply"}[during], func(t *testing.T) {
				s, err := New(rdb, Options{Replicas: 1, Timeout: 10 * time.Second, Prefix: "{" + t.Name() + "}:"})
				require.NoError(t, err)
				if tc.reserved {
					require.EqualValues(t, 300, reserve(t, s, "r1", 300, 300, t0))
				}
				ctx, cancel := context.WithCancel(context.Background())
				if during {
					armed.Store(true)
					go func() { <-h.entered; cancel() }()
				} else {
					cancel()
				}
				err = tc.call(ctx, s)
				cancel()
				assert.ErrorIs(t, err, context.Canceled)
				assert.False(t, s.Degraded(), "the caller giving up is not Redis failing")
				if during {
					assert.False(t, armed.Load(), "the call reached Redis")
				}
				s.calls.Wait()
				if tc.retry != nil {
					require.NoError(t, tc.retry(s))
				}
				spent, held, err := s.Usage(context.Background(), bud, t0)
				require.NoError(t, err)
				assert.Equal(t, tc.spent, spent, "spent")
				assert.Equal(t, tc.heldAfter, held, "held")
			})
		}
	}
}
