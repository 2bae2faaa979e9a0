package chatshape

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSignals(t *testing.T) {
	tests := []struct {
		name string
		in   Input
		want [N]float64
	}{
		{"empty", Input{}, [N]float64{}},
		{"short ask", Input{Tokens: 100, Words: 20, Lines: 3, Reasoning: 2, MultiStep: 1, Questions: 2, CodeFences: 2, Code: 0.5, Math: 0.25},
			[N]float64{math.Log1p(1), 0.5, 1, 0.25, 2, 1, 2, math.Log(4), 1}},
		{"markers capped", Input{Words: 10, Reasoning: 9, MultiStep: 9, Questions: 9}, [N]float64{4: 4, 5: 4, 6: 3}},
		{"damped beyond 300 words", Input{Words: 600, Reasoning: 2, Questions: 2}, [N]float64{4: 1, 6: 1}},
		{"negative counts clamp", Input{Tokens: -5, Lines: -1}, [N]float64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var x [N]float64
			Signals(&tt.in, &x)
			assert.InDeltaSlice(t, tt.want[:], x[:], 1e-12)
		})
	}
}

func TestScore(t *testing.T) {
	w := [N + 1]float64{0.5, 1, 2}
	x := [N]float64{3, 4, 100 - 100}
	assert.InDelta(t, 0.5+3+8, Score(&w, &x), 1e-12)
}
