package llmrouter

import (
	"context"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// manualClock is a minimal fake Clock for this package's tests: time moves
// only when Advance is called, and After channels fire when it passes them.
type manualClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []manualWaiter
	added   chan struct{} // receives a value each time After registers a waiter
}

type manualWaiter struct {
	at time.Time
	ch chan time.Time
}

func newManualClock(start time.Time) *manualClock {
	return &manualClock{now: start, added: make(chan struct{}, 64)}
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, manualWaiter{at: c.now.Add(d), ch: ch})
	select {
	case c.added <- struct{}{}:
	default:
	}
	return ch
}

func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if !w.at.After(c.now) {
			w.ch <- c.now
			continue
		}
		kept = append(kept, w)
	}
	c.waiters = kept
}

var t0 = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

func constRand(v float64) func() float64 { return func() float64 { return v } }

func TestBackoff_Ceiling(t *testing.T) {
	tests := []struct {
		name    string
		b       Backoff
		attempt int
		want    time.Duration
	}{
		{"zero value first", Backoff{}, 0, 250 * time.Millisecond},
		{"zero value second", Backoff{}, 1, 500 * time.Millisecond},
		{"zero value fifth", Backoff{}, 4, 4 * time.Second},
		{"zero value capped", Backoff{}, 6, 10 * time.Second},
		{"huge attempt capped", Backoff{}, 10000, 10 * time.Second},
		{"max int attempt", Backoff{}, math.MaxInt, 10 * time.Second},
		{"negative attempt", Backoff{}, -3, 250 * time.Millisecond},
		{"custom", Backoff{Base: time.Second, Max: time.Minute, Multiplier: 3}, 2, 9 * time.Second},
		{"multiplier one is constant", Backoff{Base: time.Second, Multiplier: 1}, 7, time.Second},
		{"multiplier below one means default", Backoff{Base: time.Second, Multiplier: 0.5}, 1, 2 * time.Second},
		{"NaN multiplier means default", Backoff{Multiplier: math.NaN()}, 1, 500 * time.Millisecond},
		{"infinite multiplier means default", Backoff{Multiplier: math.Inf(1)}, 1, 500 * time.Millisecond},
		{"max below base", Backoff{Base: time.Second, Max: time.Millisecond}, 3, time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.b.Ceiling(tt.attempt))
		})
	}
}

func TestBackoff_Delay(t *testing.T) {
	b := Backoff{}
	tests := []struct {
		name    string
		attempt int
		r       float64
		want    time.Duration
	}{
		{"zero draw", 0, 0, 0},
		{"half draw", 2, 0.5, 500 * time.Millisecond},
		{"almost one", 1, 0.999, 499500 * time.Microsecond},
		{"clamped high", 3, 7, 2 * time.Second},
		{"clamped low", 3, -1, 0},
		{"NaN", 3, math.NaN(), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, b.Delay(tt.attempt, constRand(tt.r)))
		})
	}
	// The default source stays within the ceiling.
	for i := 0; i < 100; i++ {
		d := b.Delay(3, nil)
		assert.True(t, d >= 0 && d <= b.Ceiling(3), "delay %v", d)
	}
}

func TestBackoff_DelayWithHint(t *testing.T) {
	b := Backoff{}
	assert.Equal(t, 20*time.Second, b.DelayWithHint(0, 20*time.Second, constRand(0.5)), "hint above cap is honoured")
	assert.Equal(t, 2*time.Second, b.DelayWithHint(4, time.Second, constRand(0.5)), "jitter larger than hint wins")
	assert.Equal(t, 125*time.Millisecond, b.DelayWithHint(0, 0, constRand(0.5)))
	assert.Equal(t, 125*time.Millisecond, b.DelayWithHint(0, -time.Second, constRand(0.5)))
}

func TestFitsDeadline(t *testing.T) {
	noDeadline := context.Background()
	withDeadline, cancel := context.WithDeadline(context.Background(), t0.Add(10*time.Second))
	defer cancel()
	// A deadline in the past is already done.
	past, cancelPast := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancelPast()
	canceled, cancel2 := context.WithCancel(context.Background())
	cancel2()

	// withDeadline's deadline (t0+10s, in 2025) is in the real past, so it is
	// done too; use one far in the future, expressed relative to a fake now.
	future := time.Now().Add(time.Hour)
	fctx, cancel3 := context.WithDeadline(context.Background(), future)
	defer cancel3()
	fnow := future.Add(-10 * time.Second)

	tests := []struct {
		name          string
		ctx           context.Context
		now           time.Time
		wait, reserve time.Duration
		want          bool
	}{
		{"no deadline", noDeadline, t0, time.Hour, time.Hour, true},
		{"fits", fctx, fnow, 5 * time.Second, 4 * time.Second, true},
		{"exactly at deadline does not fit", fctx, fnow, 5 * time.Second, 5 * time.Second, false},
		{"wait too long", fctx, fnow, 11 * time.Second, 0, false},
		{"reserve too long", fctx, fnow, time.Second, 10 * time.Second, false},
		{"negative values are zero", fctx, fnow, -time.Hour, -time.Hour, true},
		{"already past", past, time.Now(), 0, 0, false},
		{"done ctx", withDeadline, t0, 0, 0, false},
		{"canceled", canceled, t0, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, fitsDeadline(tt.ctx, tt.now, tt.wait, tt.reserve))
		})
	}
}

func TestWait(t *testing.T) {
	t.Run("full wait", func(t *testing.T) {
		clk := newManualClock(t0)
		done := make(chan error, 1)
		go func() { done <- waitFor(context.Background(), clk, 3*time.Second) }()
		<-clk.added
		clk.Advance(2 * time.Second)
		select {
		case <-done:
			t.Fatal("returned early")
		default:
		}
		clk.Advance(time.Second)
		require.NoError(t, <-done)
	})
	t.Run("canceled while waiting", func(t *testing.T) {
		clk := newManualClock(t0)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- waitFor(ctx, clk, time.Hour) }()
		<-clk.added
		cancel()
		require.ErrorIs(t, <-done, context.Canceled)
	})
	t.Run("already canceled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		require.ErrorIs(t, waitFor(ctx, newManualClock(t0), 0), context.Canceled)
	})
	t.Run("zero wait", func(t *testing.T) {
		require.NoError(t, waitFor(context.Background(), nil, 0))
	})
	t.Run("system clock", func(t *testing.T) {
		require.NoError(t, waitFor(context.Background(), systemClock{}, time.Microsecond))
		assert.False(t, systemClock{}.Now().IsZero())
	})
}
