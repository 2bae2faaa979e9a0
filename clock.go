package llmrouter

import "time"

// Clock is the source of time for everything in this package that waits or
// compares deadlines (backoff, cooldowns, circuit breakers), so that tests can
// inject a fake clock instead of sleeping.
//
// Implementations must be safe for concurrent use.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// After returns a channel that receives the time once d has elapsed
	// (immediately for d <= 0). Callers that stop waiting early simply drop
	// the channel; the real clock's timers are then garbage collected
	// (Go 1.23 and later), so no goroutine or timer leaks.
	After(d time.Duration) <-chan time.Time
}

// SystemClock is the real wall clock: [time.Now] and [time.After]. Its zero
// value is ready to use and it is safe for concurrent use.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// After returns time.After(d).
func (SystemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// clockOrSystem returns c, or SystemClock when c is nil.
func clockOrSystem(c Clock) Clock {
	if c == nil {
		return SystemClock{}
	}
	return c
}
