package breaker

import (
	"context"
	"errors"
	"time"

	"github.com/llmrouter/llmrouter/internal/errclass"
)

// Settings configures a [Breaker]. The zero value is ready to use;
// each zero field takes the default given in its comment. Negative
// durations and counts (but ConsecutiveFailures and FailureRate, where
// negative disables a trigger) and a NaN FailureRate or one above 1 are
// invalid: [Settings.Validate] reports them; New treats them as zero.
type Settings struct {
	// ConsecutiveFailures opens the breaker after this many failures in a
	// row. Zero means 5; negative disables this trigger.
	ConsecutiveFailures int
	// FailureRate opens the breaker when, over the last Window, at least
	// MinRequests requests were recorded and failures/requests >= FailureRate.
	// A share in (0, 1]: zero means 0.5; negative disables this trigger.
	FailureRate float64
	// MinRequests is the number of requests in the Window below which the
	// failure rate is not trusted. Zero means 20.
	MinRequests int
	// Window is the span of the sliding window (kept in 10 buckets) for the
	// failure rate. Zero means 1 minute.
	Window time.Duration
	// Cooldown is how long the breaker stays open after it trips, and after
	// each failed half-open probe re-opens it: a model that recovers takes
	// traffic again within one Cooldown of recovering (plus the wait for its
	// next request). A Retry-After hint on the tripping error lengthens it
	// (see MaxCooldown). Zero means 30s.
	Cooldown time.Duration
	// CooldownGrowth, when above 1, multiplies the open period by itself
	// after each failed probe: the k-th trip without an intervening close
	// opens for Cooldown·CooldownGrowth^(k-1), capped at MaxCooldown (2
	// doubles it). Fewer probes reach a model that stays down, at the price
	// of a slower recovery: up to MaxCooldown after the model is back. Zero,
	// 1, a value below 1 or NaN means no growth (the default).
	CooldownGrowth float64
	// MaxCooldown caps the open period (grown or raised by a Retry-After
	// hint), and also the total length of one open period however many
	// late failures extend it. Zero means 5 minutes; a value below Cooldown
	// is raised to Cooldown.
	MaxCooldown time.Duration
	// HalfOpenProbes is how many requests a half-open breaker lets through
	// at once. Zero means 1.
	HalfOpenProbes int
	// ProbeTimeout frees the probe slots of a half-open breaker whose probes
	// have not been recorded for this long (a caller that never called
	// Record). Zero means 1 minute.
	ProbeTimeout time.Duration
	// IsFailure says whether an error counts against the model. nil means
	// [IsFailure]. Errors for which it returns false are ignored
	// (they neither count as failures nor as successes).
	IsFailure func(err error) bool
	// Shared, when set, shares open periods with the breakers of other
	// routers (see [Shared]). Default nil: each breaker acts alone.
	Shared Shared
}

// Default Settings values, used for zero fields.
const (
	defaultConsecutiveFailures = 5
	defaultFailureRate         = 0.5
	defaultMinRequests         = 20
	defaultWindow              = time.Minute
	defaultCooldown            = 30 * time.Second
	defaultMaxCooldown         = 5 * time.Minute
	defaultHalfOpenProbes      = 1
	defaultProbeTimeout        = time.Minute
)

func (s Settings) normalized() Settings {
	if s.ConsecutiveFailures == 0 {
		s.ConsecutiveFailures = defaultConsecutiveFailures
	}
	if s.FailureRate == 0 || s.FailureRate != s.FailureRate || s.FailureRate > 1 { // NaN too
		s.FailureRate = defaultFailureRate
	}
	if s.MinRequests <= 0 {
		s.MinRequests = defaultMinRequests
	}
	if s.Window <= 0 {
		s.Window = defaultWindow
	}
	if s.Cooldown <= 0 {
		s.Cooldown = defaultCooldown
	}
	if !(s.CooldownGrowth > 1) { // NaN too
		s.CooldownGrowth = 1
	}
	if s.MaxCooldown <= 0 {
		s.MaxCooldown = defaultMaxCooldown
	}
	if s.MaxCooldown < s.Cooldown {
		s.MaxCooldown = s.Cooldown
	}
	if s.HalfOpenProbes <= 0 {
		s.HalfOpenProbes = defaultHalfOpenProbes
	}
	if s.ProbeTimeout <= 0 {
		s.ProbeTimeout = defaultProbeTimeout
	}
	if s.IsFailure == nil {
		s.IsFailure = IsFailure
	}
	return s
}

// IsFailure is the default [Settings.IsFailure]: a non-nil error counts
// against the model unless it is the caller's cancellation
// ([context.Canceled], or classified as canceled) or an error about the
// request rather than the model. It classifies err as llmrouter.ErrorCodeOf
// does; the codes that do not count are canceled, invalid request, token
// limit and content filter. Every other code counts, timeouts and unknown
// included. It is pure and safe for concurrent use.
func IsFailure(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	return errclass.IsModelFault(errclass.ErrorCodeOf(err))
}
