package llmrouter_test

import (
	"math"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/breaker"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/require"
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
