package llmrouter_test

import (
	"math"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/breaker"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// Invalid breaker settings fail New with an error naming the field; a
// negative Cooldown used to become 30s and a NaN FailureRate 0.5 silently.
func TestNewRejectsInvalidBreakerSettings(t *testing.T) {
	p := routertest.NewProvider(llmrouter.ModelCard{Name: "m", Quality: 0.5})
	for _, tc := range []struct {
		s     breaker.Settings
		field string
	}{
		{breaker.Settings{Cooldown: -time.Second}, "Cooldown"},
		{breaker.Settings{FailureRate: math.NaN()}, "FailureRate"},
	} {
		_, err := llmrouter.New([]llmrouter.Provider{p}, llmrouter.WithFallback(llmrouter.Fallback{Breaker: tc.s}))
		require.ErrorContains(t, err, "Fallback.Breaker")
		require.ErrorContains(t, err, tc.field)
		// Without breakers the settings are unused.
		_, err = llmrouter.New([]llmrouter.Provider{p}, llmrouter.WithFallback(llmrouter.Fallback{Breaker: tc.s, NoBreaker: true}))
		require.NoError(t, err)
	}
}

// A negative duration or count in Fallback fails New naming the field; it
// used to be read as its zero value silently: a negative AttemptTimeout
// (a budget computed as deadline − now) as no timeout at all, a negative
// Hedge.Delay as no hedging, an unknown Action as "next model".
func TestNewRejectsInvalidFallback(t *testing.T) {
	p := routertest.NewProvider(llmrouter.ModelCard{Name: "m", Quality: 0.5})
	for _, tc := range []struct {
		f    llmrouter.Fallback
		want string
	}{
		{llmrouter.Fallback{AttemptTimeout: -time.Second}, "llmrouter: Fallback.AttemptTimeout -1s: want >= 0 (0: no limit)"},
		{llmrouter.Fallback{MaxRetryWait: -time.Second}, "llmrouter: Fallback.MaxRetryWait -1s: want >= 0 (0: Backoff.Max)"},
		{llmrouter.Fallback{Hedge: llmrouter.Hedge{Delay: -time.Millisecond}}, "llmrouter: Fallback.Hedge.Delay -1ms: want >= 0 (0: no hedging unless P95)"},
		{llmrouter.Fallback{Hedge: llmrouter.Hedge{P95: true, MinSamples: -1}}, "llmrouter: Fallback.Hedge.MinSamples -1: want >= 0 (0: 20)"},
		{llmrouter.Fallback{Hedge: llmrouter.Hedge{Delay: time.Second, MaxExtra: -2}}, "llmrouter: Fallback.Hedge.MaxExtra -2: want >= 0 (0: 1)"},
		{llmrouter.Fallback{Actions: map[llms.ErrorCode]llmrouter.Action{llms.ErrCodeRateLimit: llmrouter.Action(9)}},
			"llmrouter: Fallback.Actions[rate_limit]: unknown action 9"},
	} {
		_, err := llmrouter.New([]llmrouter.Provider{p}, llmrouter.WithFallback(tc.f))
		require.EqualError(t, err, tc.want)
	}
	_, err := llmrouter.New([]llmrouter.Provider{p}, llmrouter.WithFallback(llmrouter.Fallback{MaxRetries: -1,
		Actions: map[llms.ErrorCode]llmrouter.Action{llms.ErrCodeRateLimit: llmrouter.ActionStop, llms.ErrCodeTimeout: llmrouter.ActionDefault}}))
	require.NoError(t, err, "negative MaxRetries means no retries, as documented")
}
