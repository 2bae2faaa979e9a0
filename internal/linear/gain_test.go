package linear

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDifficultyGain(t *testing.T) {
	tests := []struct {
		name       string
		qs, qw     float64
		want       float64
		wantExactN bool // want NaN
	}{
		{"below the peak: the gap", 0.9, 0.7, 0.2, false},
		{"at the peak (qs+qw = 1): the gap", 0.6, 0.4, 0.2, false},
		// logit .1 − logit .02 = ln(98/18); e^(Δ/2) = 7/3, so the peak
		// m = 2σ(Δ/2) − 1 = 0.4 and the gain 2·0.4 − 0.08 = 0.72.
		{"past the peak: mirrored", 0.1, 0.02, 0.72, false},
		{"strong card weaker: mirrored the other way", 0.02, 0.1, -0.72, false},
		{"equal cards: 0", 0.2, 0.2, 0, false},
		{"outside (0,1): the gap", 1, 0, 1, false},
		{"NaN stays NaN", math.NaN(), 0.2, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DifficultyGain(tt.qs, tt.qw)
			if tt.wantExactN {
				assert.True(t, math.IsNaN(got))
				return
			}
			assert.InDelta(t, tt.want, got, 1e-12)
		})
	}
}
