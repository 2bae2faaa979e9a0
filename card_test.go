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

// TestCardCost: the cost of a call at the card's prices; a negative count
// (a caller's meaningless MaxTokens, a custom estimate gone wrong) is read
// as 0, as internal/usage reads a provider's negative count as unreported,
// so that a cost is never negative (a budget would credit it). A count
// too large to be believed still costs what it says: an estimate errs on
// the dear side.
func TestCardCost(t *testing.T) {
	card := llmrouter.ModelCard{Name: "m", InputPerMTok: 2, OutputPerMTok: 8}
	tests := []struct {
		name    string
		in, out int
		want    float64
	}{
		{"both counts", 1_000_000, 500_000, 2 + 4},
		{"zero", 0, 0, 0},
		{"negative input is 0", -1_000_000, 500_000, 4},
		{"negative output is 0", 1_000_000, -500_000, 2},
		{"both negative", -5, math.MinInt, 0},
		{"huge counts as given", math.MaxInt, 0, float64(math.MaxInt) * 2 / 1e6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := card.Cost(tt.in, tt.out)
			assert.InDelta(t, tt.want, got, 1e-9*max(1, tt.want))
			assert.GreaterOrEqual(t, got, 0.0)
		})
	}
}
