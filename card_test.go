package llmrouter_test

import (
	"math"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNewRejectsBadCardNumbers pins that New rejects every card number that
// is not finite or is negative, naming the model and the field.
func TestNewRejectsBadCardNumbers(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	tests := []struct {
		name  string
		card  llmrouter.ModelCard
		field string
	}{
		{"+Inf input price", llmrouter.ModelCard{InputPerMTok: inf}, "InputPerMTok"},
		{"+Inf output price", llmrouter.ModelCard{OutputPerMTok: inf}, "OutputPerMTok"},
		{"-Inf input price", llmrouter.ModelCard{InputPerMTok: math.Inf(-1)}, "InputPerMTok"},
		{"NaN output price", llmrouter.ModelCard{OutputPerMTok: nan}, "OutputPerMTok"},
		{"negative output price", llmrouter.ModelCard{OutputPerMTok: -0.1}, "OutputPerMTok"},
		{"negative typical latency", llmrouter.ModelCard{TypicalLatency: -time.Second}, "TypicalLatency"},
		{"negative context window", llmrouter.ModelCard{ContextWindow: -1}, "ContextWindow"},
		{"NaN quality", llmrouter.ModelCard{Quality: nan}, "Quality"},
		{"+Inf quality", llmrouter.ModelCard{Quality: inf}, "Quality"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.card.Name = "claude"
			r, err := llmrouter.New([]llmrouter.Provider{routertest.NewProvider(cheapCard), routertest.NewProvider(tt.card)})
			require.Error(t, err)
			assert.Nil(t, r)
			assert.Contains(t, err.Error(), `model "claude"`)
			assert.Contains(t, err.Error(), tt.field)
		})
	}
	t.Run("finite, non-negative numbers are accepted", func(t *testing.T) {
		card := llmrouter.ModelCard{Name: "claude", InputPerMTok: 0.8, OutputPerMTok: 4, TypicalLatency: time.Second, ContextWindow: 200000, Quality: 1}
		_, err := llmrouter.New([]llmrouter.Provider{routertest.NewProvider(card)})
		require.NoError(t, err)
	})
}
