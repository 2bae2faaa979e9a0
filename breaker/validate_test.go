package breaker_test

import (
	"math"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter/breaker"
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
		{FailureRate: 0.2, Window: time.Minute, Cooldown: time.Second, CooldownGrowth: math.NaN()},
	} {
		require.NoError(t, s.Validate())
	}
}

// nilShared is a Shared whose methods dereference their receiver.
type nilShared struct{ until time.Time }

func (s *nilShared) OpenUntil(string, time.Time) time.Time { return s.until }
func (s *nilShared) Opened(_ string, _, until time.Time)   { s.until = until }
