package bandit

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func unit(idx ...float64) vec {
	var v vec
	copy(v[:], idx)
	return v
}

// The update maths against values computed by hand (ridge α = 1, so A
// starts at I).
func TestArmUpdateByHand(t *testing.T) {
	for _, tt := range []struct {
		name    string
		obs     []vec
		ys      []float64
		mu      [2]float64    // θ's first two entries
		ainv    [2][2]float64 // A⁻¹'s top-left block
		x       vec           // a query context
		mean, q float64       // θᵀx and xᵀA⁻¹x
	}{
		// A = diag(2,1,…): A⁻¹₀₀ = 1/2, θ₀ = y/2.
		{"one on e0", []vec{unit(1)}, []float64{0.8}, [2]float64{0.4, 0}, [2][2]float64{{0.5, 0}, {0, 1}}, unit(1), 0.4, 0.5},
		// Twice: A₀₀ = 3, θ₀ = (0.8+0.2)/3.
		{"two on e0", []vec{unit(1), unit(1)}, []float64{0.8, 0.2}, [2]float64{1.0 / 3, 0}, [2][2]float64{{1.0 / 3, 0}, {0, 1}}, unit(1), 1.0 / 3, 1.0 / 3},
		// x = (1,1): A = I + xxᵀ, A⁻¹ = I − xxᵀ/3; θ = A⁻¹x·y = (y/3, y/3).
		{"one on (1,1)", []vec{unit(1, 1)}, []float64{0.9}, [2]float64{0.3, 0.3}, [2][2]float64{{2.0 / 3, -1.0 / 3}, {-1.0 / 3, 2.0 / 3}}, unit(1, -1), 0, 2},
		// (1,0) with y=1 then (0,1) with y=−1: A = diag(2,2), θ = (1/2, −1/2).
		{"orthogonal", []vec{unit(1), unit(0, 1)}, []float64{1, -1}, [2]float64{0.5, -0.5}, [2][2]float64{{0.5, 0}, {0, 0.5}}, unit(1, 1), 0, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := newArm(1)
			for i, x := range tt.obs {
				a.update(x, tt.ys[i])
			}
			assert.Equal(t, int64(len(tt.obs)), a.n)
			for i := range 2 {
				assert.InDelta(t, tt.mu[i], a.mu[i], 1e-12, "θ[%d]", i)
				for j := range 2 {
					assert.InDelta(t, tt.ainv[i][j], a.ainv[i][j], 1e-12, "A⁻¹[%d][%d]", i, j)
				}
			}
			assert.InDelta(t, tt.mean, a.mean(tt.x), 1e-12)
			assert.InDelta(t, 2*math.Sqrt(tt.q), a.sd(tt.x, 2), 1e-12)
		})
	}
}

// Sherman–Morrison's running inverse agrees with a fresh Cholesky
// inverse of A after many random updates (the restore path).
func TestArmInverseMatchesCholesky(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	a := newArm(1)
	for range 500 {
		var x vec
		for i := range x {
			x[i] = rng.Float64()
		}
		a.update(x, rng.NormFloat64())
	}
	b := &arm{a: a.a, b: a.b}
	require.NoError(t, b.invert())
	for i := range contextDim {
		assert.InDelta(t, a.mu[i], b.mu[i], 1e-9)
		for j := range contextDim {
			assert.InDelta(t, a.ainv[i][j], b.ainv[i][j], 1e-9)
		}
	}
	b.a[0][1] += 1
	require.ErrorContains(t, b.invert(), "not symmetric")
	c := &arm{}
	require.ErrorContains(t, c.invert(), "not positive definite")
}

func TestPropensity(t *testing.T) {
	phi := func(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }
	for _, tt := range []struct {
		name string
		m, s []float64
		tol  float64 // of the sum; 0 means 1e-6
	}{
		{"two equal", []float64{0.5, 0.5}, []float64{0.1, 0.1}, 0},
		{"two apart", []float64{0.7, 0.5}, []float64{0.1, 0.2}, 0},
		{"three", []float64{0.7, 0.5, 0.6}, []float64{0.1, 0.2, 0.05}, 0},
		{"one nearly certain", []float64{0.6, 0.5, 0.4}, []float64{0.1, 0.01, 0.3}, 1e-4},
		// s = 0 never happens (the ridge keeps every spread positive); a step, to 1e-3.
		{"one certain", []float64{0.6, 0.5, 0.4}, []float64{0.1, 0, 0.3}, 1e-3},
		{"eleven", []float64{.1, .2, .3, .4, .5, .6, .5, .4, .3, .2, .1}, []float64{.3, .2, .1, .3, .2, .1, .3, .2, .1, .3, .2}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sum := 0.0
			for c := range tt.m {
				sum += propensity(c, tt.m, tt.s)
			}
			tol := tt.tol
			if tol == 0 {
				tol = 1e-6
			}
			assert.InDelta(t, 1, sum, tol, "propensities sum to 1")
			if len(tt.m) == 2 { // closed form: Φ((m0−m1)/√(s0²+s1²))
				want := phi((tt.m[0] - tt.m[1]) / math.Hypot(tt.s[0], tt.s[1]))
				assert.InDelta(t, want, propensity(0, tt.m, tt.s), 1e-6)
			}
			// Monte Carlo agrees.
			rng := rand.New(rand.NewPCG(3, 4))
			wins := make([]int, len(tt.m))
			const draws = 40000
			for range draws {
				best, bv := 0, math.Inf(-1)
				for k := range tt.m {
					if v := tt.m[k] + tt.s[k]*rng.NormFloat64(); v > bv {
						best, bv = k, v
					}
				}
				wins[best]++
			}
			for c := range tt.m {
				assert.InDelta(t, float64(wins[c])/draws, propensity(c, tt.m, tt.s), 0.01, "arm %d", c)
			}
		})
	}
}
