package linear

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestQualityForDifficulty(t *testing.T) {
	assert.InDelta(t, 0.8, QualityForDifficulty(0.5, 0.8), 1e-9, "middling difficulty: the prior")
	assert.Greater(t, QualityForDifficulty(0.2, 0.6), 0.6)
	assert.Less(t, QualityForDifficulty(0.8, 0.9), 0.9)
	for _, d := range []float64{0, 0.1, 0.5, 0.9, 1} {
		assert.GreaterOrEqual(t, QualityForDifficulty(d, 0.9), QualityForDifficulty(d, 0.6), "stronger is never worse")
	}
	assert.InDelta(t, 0.7, QualityForDifficulty(math.NaN(), 0.7), 1e-9)
}
