package breaker

import (
	"fmt"
	"time"

	"github.com/llmrouter/llmrouter/internal/nilcheck"
)

// Validate reports the first field of s that is invalid: a negative
// duration (Window, Cooldown, MaxCooldown, ProbeTimeout) or count
// (MinRequests, HalfOpenProbes), a NaN FailureRate or one above 1 (a
// share, not a percentage: it would never trip), or a Shared that is
// a nil pointer (every Allow would panic) or whose Validate method (if it
// has one: a redisstore.Breakers does) fails, as a zero value's does. New and
// NewRegistry, which cannot fail, treat such a field as zero (its
// default); llmrouter.New rejects a Fallback.Breaker that Validate
// rejects. It is pure.
func (s Settings) Validate() error {
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"Window", s.Window}, {"Cooldown", s.Cooldown}, {"MaxCooldown", s.MaxCooldown}, {"ProbeTimeout", s.ProbeTimeout}} {
		if d.v < 0 {
			return fmt.Errorf("breaker: Settings.%s %v is negative; want ≥ 0 (0: the default)", d.name, d.v)
		}
	}
	for _, c := range []struct {
		name string
		v    int
	}{{"MinRequests", s.MinRequests}, {"HalfOpenProbes", s.HalfOpenProbes}} {
		if c.v < 0 {
			return fmt.Errorf("breaker: Settings.%s %d is negative; want ≥ 0 (0: the default)", c.name, c.v)
		}
	}
	if s.FailureRate != s.FailureRate {
		return fmt.Errorf("breaker: Settings.FailureRate is NaN; want a number (0: the default, negative: off)")
	}
	if s.FailureRate > 1 {
		return fmt.Errorf("breaker: Settings.FailureRate %v is above 1; want a share of failures in (0, 1] (0: the default, negative: off)", s.FailureRate)
	}
	if nilcheck.PointerOrFunc(s.Shared) {
		return fmt.Errorf("breaker: Settings.Shared is a nil %T (did its constructor fail?)", s.Shared)
	}
	if err := nilcheck.Unusable(s.Shared); err != nil {
		return fmt.Errorf("breaker: Settings.Shared: %w", err)
	}
	return nil
}
