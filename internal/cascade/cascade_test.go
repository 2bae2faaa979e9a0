package cascade

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCurve(t *testing.T) {
	strong := []float64{1, 1, 1, 0}
	weak := []float64{0, 1, 0, 0}
	sc := []float64{10, 10, 10, 10}
	wc := []float64{1, 1, 1, 1}
	score := []float64{0.9, 0.1, 0.8, 0.5}
	pts, err := Curve(strong, weak, sc, wc, score)
	require.NoError(t, err)
	require.Len(t, pts, 5)
	tests := []struct {
		k             int
		share, q, cst float64
	}{
		{0, 0, 0.25, 0.1},
		{1, 0.25, 0.5, 0.35},
		{2, 0.5, 0.75, 0.6},
		{3, 0.75, 0.75, 0.85},
		{4, 1, 0.75, 1.1},
	}
	for _, tt := range tests {
		p := pts[tt.k]
		assert.Equal(t, tt.k, p.Escalated)
		assert.InDelta(t, tt.share, p.Share, 1e-12)
		assert.InDelta(t, tt.q, p.Quality, 1e-12)
		assert.InDelta(t, tt.cst, p.Cost, 1e-12)
	}
	p, ok := CheapestReaching(pts, 0.7)
	require.True(t, ok)
	assert.Equal(t, 2, p.Escalated)
	_, ok = CheapestReaching(pts, 0.9)
	assert.False(t, ok)
	_, err = Curve(strong, weak, sc, wc, score[:2])
	assert.Error(t, err)
}
