package bandit

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Options.Pool: the pooled correction is the ridge fit on every arm's
// grades together (each arm's ridge counted once), an arm with no grades
// takes Pool times it, and a graded arm's mean is its ridge posterior with
// that prior mean. Computed once per published state.
func TestPooledMeans(t *testing.T) {
	for _, tt := range []struct {
		name string
		pool float64
	}{{"full", 1}, {"half", 0.5}} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := New([]string{"a", "b", "c"}, Options{Seed: 1, Ridge: 2, Pool: tt.pool})
			require.NoError(t, err)
			rng := rand.New(rand.NewPCG(1, 2))
			arms := []*arm{newArm(2), newArm(2), newArm(2)}
			all := newArm(2) // the ridge fit on the concatenated grades
			for k, n := range []int{60, 25, 0} {
				for range n {
					var x vec
					for i := range contextDim {
						x[i] = rng.Float64()
					}
					y := 0.3*x[1] - 0.2 + 0.1*rng.NormFloat64() + 0.1*float64(k)
					arms[k].update(x, y)
					all.update(x, y)
				}
			}
			src := &arms
			mu := p.pooledMeans(src)
			require.Len(t, mu, 3)
			for i := range contextDim {
				assert.InDelta(t, tt.pool*all.mu[i], mu[2][i], 1e-9, "the ungraded arm takes the pooled correction, [%d]", i)
			}
			for k := range 2 {
				// A_k θ = b_k + Pool·ridge·θ_pool.
				for i := range contextDim {
					assert.InDelta(t, arms[k].b[i]+tt.pool*2*all.mu[i], dot(arms[k].a[i], mu[k]), 1e-9, "arm %d, [%d]", k, i)
				}
			}
			mu[0][0] = 42 // the cached slice is what a second call for the same state returns
			assert.Equal(t, 42.0, p.pooledMeans(src)[0][0])
			other := append([]*arm(nil), arms...)
			assert.NotEqual(t, 42.0, p.pooledMeans(&other)[0][0], "a new state is computed afresh")
		})
	}
	p, err := New([]string{"a", "b"}, Options{Seed: 1})
	require.NoError(t, err)
	assert.Nil(t, p.pooledMeans(p.state.Load()), "off by default")
	_, err = New([]string{"a", "b"}, Options{Pool: 1.5})
	require.ErrorContains(t, err, "Pool 1.5 is above 1")
}
