package llmrouter

import (
	"context"
	"math"
	"math/rand/v2"
	"time"
)

// Backoff computes retry delays: exponential growth with full jitter (the
// "Full Jitter" scheme: the delay before retry n is uniform in
// [0, min(Max, Base·Multiplier^n))), which spreads the retries of many
// clients hit by the same outage.
//
// The zero value is ready to use: Base 250ms, Max 10s, Multiplier 2, so the
// ceilings are 250ms, 500ms, 1s, 2s, 4s, 8s, 10s, 10s, ... A Backoff is a
// plain value, safe for concurrent use as long as it is not being modified.
type Backoff struct {
	// Base is the ceiling of the first delay. Zero or negative means 250ms.
	Base time.Duration
	// Max caps every ceiling. Zero or negative means 10s. A Max below Base
	// is raised to Base.
	Max time.Duration
	// Multiplier is the growth factor of the ceiling per attempt. Values
	// below 1 (including zero), NaN and +Inf mean 2; 1 gives a constant
	// ceiling.
	Multiplier float64
}

// Default Backoff parameters, used for zero fields.
const (
	DefaultBackoffBase       = 250 * time.Millisecond
	DefaultBackoffMax        = 10 * time.Second
	DefaultBackoffMultiplier = 2.0
)

func (b Backoff) normalized() Backoff {
	if b.Base <= 0 {
		b.Base = DefaultBackoffBase
	}
	if b.Max <= 0 {
		b.Max = DefaultBackoffMax
	}
	if b.Max < b.Base {
		b.Max = b.Base
	}
	if !(b.Multiplier >= 1) || math.IsInf(b.Multiplier, 0) { // also catches NaN
		b.Multiplier = DefaultBackoffMultiplier
	}
	return b
}

// Ceiling returns the upper bound of the delay before retry number attempt
// (0 for the first retry): min(Max, Base·Multiplier^attempt). A negative
// attempt counts as 0.
func (b Backoff) Ceiling(attempt int) time.Duration {
	b = b.normalized()
	if attempt < 0 {
		attempt = 0
	}
	c := float64(b.Base) * math.Pow(b.Multiplier, float64(attempt))
	if math.IsInf(c, 0) || math.IsNaN(c) || c >= float64(b.Max) {
		return b.Max
	}
	return time.Duration(c)
}

// Delay returns the jittered delay before retry number attempt (0 for the
// first retry): rnd()·Ceiling(attempt). rnd must return values in [0, 1)
// (values outside are clamped); nil means math/rand/v2's Float64. Inject a
// deterministic rnd in tests.
func (b Backoff) Delay(attempt int, rnd func() float64) time.Duration {
	if rnd == nil {
		rnd = rand.Float64
	}
	r := rnd()
	switch {
	case !(r > 0): // also catches NaN
		r = 0
	case r > 1:
		r = 1
	}
	return time.Duration(r * float64(b.Ceiling(attempt)))
}

// DelayWithHint is Delay honouring a server's Retry-After hint (read from
// the error text or the response headers): it returns the larger of the
// jittered delay and hint. The larger wins because retrying before the server
// said it is ready would be wasted (and may extend a rate-limit penalty),
// while the jitter still spreads clients whose hints agree. The hint is
// deliberately not capped by Max: the router waits only when the wait plus
// the attempt timeout fit before the context's deadline, and otherwise falls
// back to another model. A zero or negative hint is ignored.
func (b Backoff) DelayWithHint(attempt int, hint time.Duration, rnd func() float64) time.Duration {
	d := b.Delay(attempt, rnd)
	if hint > d {
		return hint
	}
	return d
}

// fitsDeadline reports whether waiting wait from now, and then still having
// reserve left for the attempt itself, ends before ctx's deadline. It is true
// when ctx has no deadline, false when ctx is already done. Pass the time from
// the same [Clock] the caller waits on.
func fitsDeadline(ctx context.Context, now time.Time, wait, reserve time.Duration) bool {
	if ctx.Err() != nil {
		return false
	}
	dl, ok := ctx.Deadline()
	if !ok {
		return true
	}
	if wait < 0 {
		wait = 0
	}
	if reserve < 0 {
		reserve = 0
	}
	return now.Add(wait).Add(reserve).Before(dl)
}

// waitFor blocks until d has elapsed on clk (nil means the system clock) or ctx is
// done, whichever comes first. It returns nil after a full wait and ctx.Err()
// otherwise; a d <= 0 returns at once (with ctx.Err() if ctx is done). It
// starts no goroutine.
func waitFor(ctx context.Context, clk Clock, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d <= 0 {
		return nil
	}
	select {
	case <-clockOrSystem(clk).After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
