package llmrouter

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestLog1pInt holds log1pInt to math.Log1p's bits, inside its table and
// past it.
func TestLog1pInt(t *testing.T) {
	for k := range 5000 {
		require.Equal(t, math.Float64bits(math.Log1p(float64(k))), math.Float64bits(log1pInt(k)), "k=%d", k)
	}
}
