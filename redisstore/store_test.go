package redisstore

import (
	"context"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter/budget"
	"github.com/llmrouter/llmrouter/budget/budgettest"
	"github.com/llmrouter/llmrouter/internal/redistest"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newClient is a client of srv, closed when t ends.
func newClient(t testing.TB, srv *redistest.Server) *redis.Client {
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, ContextTimeoutEnabled: true, MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

func TestConformance(t *testing.T) {
	srv := redistest.Start(t)
	rdb := newClient(t, srv)
	budgettest.Run(t, func(t *testing.T) budget.Store {
		// Redis stays up: a generous Timeout keeps a loaded machine (the whole suite under -race) from degrading the store.
		s, err := New(rdb, Options{Replicas: 1, Timeout: 5 * time.Second, Prefix: "{" + t.Name() + "}:", OnStateChange: func(d bool, err error) { t.Logf("degraded %v: %v", d, err) }})
		require.NoError(t, err)
		t.Cleanup(func() { assert.False(t, s.Degraded(), "Redis never failed, so the store never degraded") })
		return s
	})
}

func TestNewRejectsBadOptions(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer rdb.Close()
	for _, tc := range []struct {
		name string
		o    Options
		want string
	}{
		{"no replicas", Options{}, "Replicas 0"},
		{"share above 1", Options{Replicas: 2, Share: 1.5}, "Share 1.5"},
		{"negative share", Options{Replicas: 2, Share: -0.1}, "Share -0.1"},
		{"negative timeout", Options{Replicas: 2, Timeout: -1}, "negative Timeout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(rdb, tc.o)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	_, err := New(nil, Options{Replicas: 1})
	assert.ErrorContains(t, err, "nil client")
	_ = context.Background()
}
