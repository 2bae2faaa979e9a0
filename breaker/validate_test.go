package breaker_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter/breaker"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Negative durations and counts, and a NaN FailureRate, used to fall back
// to the defaults silently (a NaN rate became 0.5) while the doc spoke
// only of zero: Validate names them.
func TestSettingsValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		s     breaker.Settings
		field string
	}{
		{"NaN failure rate", breaker.Settings{FailureRate: math.NaN()}, "FailureRate"},
		// A share above 1 (50 meant as a percentage) never trips: the
		// rate trigger was off without a word.
		{"failure rate above 1", breaker.Settings{FailureRate: 50}, "Settings.FailureRate 50 is above 1"},
		{"infinite failure rate", breaker.Settings{FailureRate: math.Inf(1)}, "Settings.FailureRate +Inf is above 1"},
		{"negative window", breaker.Settings{Window: -time.Second}, "Window"},
		{"negative cooldown", breaker.Settings{Cooldown: -time.Second}, "Cooldown"},
		{"negative max cooldown", breaker.Settings{MaxCooldown: -time.Second}, "MaxCooldown"},
		{"negative probe timeout", breaker.Settings{ProbeTimeout: -time.Second}, "ProbeTimeout"},
		{"negative min requests", breaker.Settings{MinRequests: -1}, "MinRequests"},
		{"negative half-open probes", breaker.Settings{HalfOpenProbes: -1}, "HalfOpenProbes"},
		// A shared state whose constructor failed: every Allow panicked,
		// outside any recover, in the caller of GenerateContent.
		{"nil shared state", breaker.Settings{Shared: (*nilShared)(nil)}, "Settings.Shared is a nil *breaker_test.nilShared"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.s.Validate()
			require.Error(t, err)
			require.ErrorContains(t, err, tc.field)
		})
	}
	for _, s := range []breaker.Settings{
		{},
		{ConsecutiveFailures: -1, FailureRate: -1}, // documented: disables the triggers
		{FailureRate: 1},
		{FailureRate: 0.2, Window: time.Minute, Cooldown: time.Second, CooldownGrowth: math.NaN()},
	} {
		require.NoError(t, s.Validate())
	}
}

// nilShared is a Shared whose methods dereference their receiver.
type nilShared struct{ until time.Time }

func (s *nilShared) OpenUntil(string, time.Time) time.Time { return s.until }
func (s *nilShared) Opened(_ string, _, until time.Time)   { s.until = until }

// New treats a FailureRate Validate rejects as zero (the default 0.5), as
// it does every invalid field: a rate of 50 left the rate trigger off.
func TestNewFailureRateAboveOne(t *testing.T) {
	now := time.Unix(1000, 0)
	b := breaker.New(breaker.Settings{FailureRate: 50, ConsecutiveFailures: -1, MinRequests: 4})
	for i := range 4 {
		var err error
		if i%2 == 1 { // the rate is checked as a failure is recorded
			err = errors.New("boom")
		}
		b.Record(now, err)
	}
	assert.Equal(t, breaker.Open, b.Stats(now).State, "half the requests failed: the default rate 0.5 trips")
}
