package calibrate_test

import (
	"math"
	"testing"

	"github.com/llmrouter/llmrouter/internal/linear"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/calibrate"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// RouteScore on a difficulty-only prediction must never fall as the
// difficulty rises (harder never means weaker), strictly rising where d is
// not clamped, so calibrating a cutoff on it ranks prompts as d does; it
// keeps the quality gap's scale up to the difficulty where the gap peaks.
func TestRouteScoreMonotoneInDifficulty(t *testing.T) {
	tests := []struct{ strong, weak float64 }{{0.9, 0.7}, {0.8, 0.75}, {0.99, 0.2}, {0.6, 0.5}, {0.7, 0.9}}
	for _, tt := range tests {
		strong := llmrouter.ModelCard{Name: "s", Quality: tt.strong}
		weak := llmrouter.ModelCard{Name: "w", Quality: tt.weak}
		prev := math.Inf(-1)
		if tt.strong < tt.weak {
			prev = math.Inf(1) // the named "strong" card is the weaker one: the score falls
		}
		for k := 0; k <= 1000; k++ {
			d := float64(k) / 1000
			p := llmrouter.Prediction{Quality: []float64{math.NaN(), math.NaN()}, Difficulty: d}
			s := calibrate.RouteScore(&p, strong, weak, 0, 1)
			require.False(t, math.IsNaN(s))
			switch {
			case d <= 0.01 || d >= 0.99: // clamped: flat
			case tt.strong > tt.weak:
				require.Greater(t, s, prev, "priors %v/%v: score %v at d %.3f after %v", tt.strong, tt.weak, s, d, prev)
			default:
				require.Less(t, s, prev, "priors %v/%v: score %v at d %.3f after %v", tt.strong, tt.weak, s, d, prev)
			}
			prev = s
			gap := linear.QualityForDifficulty(d, tt.strong) - linear.QualityForDifficulty(d, tt.weak)
			if linear.QualityForDifficulty(d, tt.strong)+linear.QualityForDifficulty(d, tt.weak) >= 1 {
				assert.InDelta(t, gap, s, 1e-12, "below the peak the score is the quality gap")
			}
		}
	}
	// A per-model prediction is still compared as it is.
	p := llmrouter.Prediction{Quality: []float64{0.2, 0.1}, Difficulty: 0.99}
	assert.InDelta(t, 0.1, calibrate.RouteScore(&p, llmrouter.ModelCard{Quality: .9}, llmrouter.ModelCard{Quality: .7}, 0, 1), 1e-12)
}
