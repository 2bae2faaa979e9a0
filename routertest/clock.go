package routertest

import (
	"fmt"
	"runtime"
	"sort"
	"sync"
	"time"
)

// Clock is a fake clock that moves only when told to. Pass it to
// llmrouter.WithClock (it implements llmrouter.Clock; Fallback waits on
// the router's clock unless Fallback.Clock names another), and give it to
// fake providers, whose scripted latencies advance it, so decisions record
// exact, repeatable latencies and backoffs, cooldowns, hedge delays and
// attempt timeouts run without any sleeping. The zero value starts at the
// Unix epoch; NewClock starts elsewhere. Safe for concurrent use.
//
// By default a wait (After) ends only when Advance moves the clock past its
// deadline: a test drives time with WaitForWaiters and Advance. With
// SetAutoAdvance(true), After instead moves the clock forward by the wait
// itself and fires at once, which suits sequential tests and soak tests
// that only need the waits to be recorded.
type Clock struct {
	mu      sync.Mutex
	now     time.Time
	auto    bool
	waiters []waiter
	waits   []time.Duration
}

type waiter struct {
	at time.Time
	ch chan time.Time
}

// NewClock returns a clock reading start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

func (c *Clock) init() {
	if c.now.IsZero() {
		c.now = time.Unix(0, 0).UTC()
	}
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.init()
	return c.now
}

// Advance moves the clock forward by d and fires the waits that are due.
// A negative d panics naming it: the clock never moves back.
func (c *Clock) Advance(d time.Duration) {
	if d < 0 {
		panic(fmt.Errorf("routertest: Clock.Advance(%v): the clock only moves forward", d))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.init()
	c.now = c.now.Add(d)
	c.fireLocked()
}

func (c *Clock) fireLocked() {
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if !w.at.After(c.now) {
			w.ch <- c.now // buffered, never blocks
		} else {
			kept = append(kept, w)
		}
	}
	clear(c.waiters[len(kept):])
	c.waiters = kept
}

// SetAutoAdvance turns auto-advance on or off (see Clock). It returns c.
func (c *Clock) SetAutoAdvance(on bool) *Clock {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.auto = on
	return c
}

// After returns a channel that receives the time once the clock has
// advanced by d (at once for d <= 0, and at once after moving the clock by
// d when auto-advance is on). It implements llmrouter.Clock. Every wait is
// recorded (see Waits).
func (c *Clock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.init()
	c.waits = append(c.waits, d)
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	if c.auto {
		c.now = c.now.Add(d)
		c.fireLocked()
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, waiter{at: c.now.Add(d), ch: ch})
	sort.SliceStable(c.waiters, func(i, j int) bool { return c.waiters[i].at.Before(c.waiters[j].at) })
	return ch
}

// Waiters returns how many waits are pending (registered by After and not
// yet fired). Abandoned waits stay pending until the clock passes them.
func (c *Clock) Waiters() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.waiters)
}

// Waits returns every duration passed to After so far, in order.
func (c *Clock) Waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

// WaitForWaiters yields (runtime.Gosched, never sleeping) until at least n
// waits are pending, and reports whether that happened within
// EventuallyTimeout. Use it before Advance when another goroutine is about
// to wait on the clock.
func (c *Clock) WaitForWaiters(n int) bool {
	return Eventually(func() bool { return c.Waiters() >= n })
}

// EventuallyTimeout bounds Eventually in wall-clock time: generous, so that
// a loaded machine or the race detector does not fail a test that would
// pass, yet finite, so that a broken one fails rather than hangs.
const EventuallyTimeout = 30 * time.Second

// Eventually yields (runtime.Gosched, never sleeping) until cond holds or
// EventuallyTimeout has passed, and reports whether it held.
func Eventually(cond func() bool) bool {
	deadline := time.Now().Add(EventuallyTimeout)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		runtime.Gosched()
	}
	return cond()
}
