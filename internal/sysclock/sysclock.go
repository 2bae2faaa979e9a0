// Package sysclock is the real clock for sub-packages whose options take an
// llmrouter.Clock and treat nil as "the system clock".
package sysclock

import "time"

// Clock reads the system clock. Safe for concurrent use.
type Clock struct{}

// Now returns time.Now().
func (Clock) Now() time.Time { return time.Now() }

// After returns time.After(d).
func (Clock) After(d time.Duration) <-chan time.Time { return time.After(d) }
