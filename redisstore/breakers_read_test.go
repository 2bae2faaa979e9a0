package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter/breaker"
	"github.com/llmrouter/llmrouter/internal/redistest"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBreakerReadsOnIdleReplica: a replica that has sent no request since
// another tripped "cheap" reports it open through its breakers' read
// methods (RetryAt, Stats, NextAvailable), not only once an Allow adopts
// it.
func TestBreakerReadsOnIdleReplica(t *testing.T) {
	srv := redistest.Start(t)
	clock := routertest.NewClock(start)
	a, b := newBreakerReplica(t, srv.Addr, clock), newBreakerReplica(t, srv.Addr, clock)
	_, err := a.r.GenerateContent(context.Background(), prompt)
	require.NoError(t, err)
	require.Equal(t, breaker.Open, a.r.Breakers().Breaker("cheap").Stats(clock.Now()).State, "cheap tripped on A")

	clock.Advance(time.Second)
	now, end := clock.Now(), start.Add(time.Minute)
	at, ok := b.r.Breakers().NextAvailable(now, "cheap")
	assert.True(t, ok)
	assert.Equal(t, end, at, "NextAvailable on B")
	assert.Equal(t, end, b.r.Breakers().Breaker("cheap").RetryAt(now), "RetryAt on B")
	st := b.r.Breakers().Breaker("cheap").Stats(now)
	assert.Equal(t, breaker.Open, st.State, "Stats on B")
	assert.Equal(t, end, st.RetryAt)
	assert.Zero(t, b.r.Breakers().Breaker("strong").RetryAt(now), "strong is not open")
	assert.Zero(t, b.cheap.CallCount()+b.strong.CallCount(), "B sent nothing")
}
