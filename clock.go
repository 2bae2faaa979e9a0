package llmrouter

import "time"

// Clock is the source of time for everything in this package that waits or
// compares deadlines (backoff, cooldowns, circuit breakers), so that tests can
// inject a fake clock instead of sleeping.
//
// Implementations must be safe for concurrent use. Wherever a Clock is
// taken, nil means the system clock (time.Now, time.After).
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// After returns a channel that receives the time once d has elapsed
	// (immediately for d <= 0). Callers that stop waiting early simply drop
	// the channel; the real clock's timers are then garbage collected
	// (Go 1.23 and later), so no goroutine or timer leaks.
	After(d time.Duration) <-chan time.Time
}

// systemClock is the real wall clock: [time.Now] and [time.After]; a nil
// Clock means it.
type systemClock struct{}

// Now returns time.Now().
func (systemClock) Now() time.Time { return time.Now() }

// After returns time.After(d).
func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// clockOrSystem returns c, or systemClock when c is nil.
func clockOrSystem(c Clock) Clock {
	if c == nil {
		return systemClock{}
	}
	return c
}
