package routertest

import (
	"sync"
	"time"
)

// Clock is a fake clock that moves only when told to. Pass its Now method
// to llmrouter.WithClock, and give it to fake providers, whose scripted
// latencies advance it, so decisions record exact, repeatable latencies
// without any sleeping. The zero value starts at the Unix epoch; NewClock
// starts elsewhere. Safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock reading start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.now.IsZero() {
		c.now = time.Unix(0, 0).UTC()
	}
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.now.IsZero() {
		c.now = time.Unix(0, 0).UTC()
	}
	c.now = c.now.Add(d)
}
