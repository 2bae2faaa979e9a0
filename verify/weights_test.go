package verify

import (
	"bytes"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A crafted file with huge finite weights of both signs loaded, and then
// scored NaN (+Inf and -Inf summed), which no cutoff rejects: Read now
// refuses weights beyond maxWeight, naming the weight.
func TestReadRefusesHugeWeights(t *testing.T) {
	m := trainedSmall(t)
	for i := range m.w {
		m.w[i] = math.Copysign(1e300, float64(i%2)-0.5)
	}
	var buf bytes.Buffer
	_, err := m.WriteTo(&buf)
	require.NoError(t, err)
	_, err = Read(&buf)
	require.ErrorIs(t, err, ErrBadModel)
	assert.ErrorContains(t, err, "weight 0 is -1e+300")

	m = trainedSmall(t)
	m.bias = -2 * maxWeight
	buf.Reset()
	_, err = m.WriteTo(&buf)
	require.NoError(t, err)
	_, err = Read(&buf)
	assert.ErrorContains(t, err, "weight 36 is -2e+06")
}
