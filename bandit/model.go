package bandit

import (
	"errors"
	"math"

	"github.com/llmrouter/llmrouter"
)

// contextDim is the length of the context vector x (see contextOf).
const contextDim = 9

type vec [contextDim]float64

// contextOf is the dense context of one model for one request: a bias, the
// model's predicted quality, the predicted difficulty (0.5 when none), the
// request's length (log tokens, capped), its code and maths scores, and
// capped counts of reasoning/multi-step markers and questions, and the
// warm start's bump (0 here; pendingEntry.context sets it for the Base's
// choice). Every entry is in [0, 2], so one ridge strength suits them all.
func contextOf(f *llmrouter.Features, difficulty, quality float64) vec {
	if math.IsNaN(difficulty) {
		difficulty = 0.5
	}
	if math.IsNaN(quality) {
		quality = 0.5
	}
	return vec{
		1,
		clamp(quality, 0, 1),
		clamp(difficulty, 0, 1),
		math.Min(math.Log1p(float64(max(f.Tokens, 0)))/8, 2),
		clamp(f.Code, 0, 1),
		clamp(f.Math, 0, 1),
		math.Min(float64(f.Reasoning+f.MultiStep), 4) / 4,
		math.Min(float64(f.Questions), 4) / 4,
		0,
	}
}

func clamp(v, lo, hi float64) float64 {
	if !(v >= lo) { // NaN too
		return lo
	}
	return math.Min(v, hi)
}

// arm is one model's Bayesian linear model of the reward's residual
// y = reward − prior: A = ridge·I + Σ x xᵀ, b = Σ x y, mean θ = A⁻¹ b. An arm
// is immutable once published; updates work on a clone.
type arm struct {
	n    int64 // updates applied
	a    [contextDim]vec
	ainv [contextDim]vec
	b    vec
	mu   vec
}

func newArm(ridge float64) *arm {
	a := &arm{}
	for i := range contextDim {
		a.a[i][i] = ridge
		a.ainv[i][i] = 1 / ridge
	}
	return a
}

// update adds one observation (x, y) by Sherman–Morrison:
// A⁻¹ ← A⁻¹ − (A⁻¹x)(A⁻¹x)ᵀ / (1 + xᵀA⁻¹x).
func (a *arm) update(x vec, y float64) {
	var ax vec
	for i := range contextDim {
		for j := range contextDim {
			ax[i] += a.ainv[i][j] * x[j]
		}
	}
	den := 1 + dot(x, ax)
	for i := range contextDim {
		for j := range contextDim {
			a.a[i][j] += x[i] * x[j]
			a.ainv[i][j] -= ax[i] * ax[j] / den
		}
		a.b[i] += x[i] * y
	}
	a.n++
	a.solve()
}

func (a *arm) solve() {
	for i := range contextDim {
		a.mu[i] = dot(a.ainv[i], a.b)
	}
}

// mean is θᵀx; sd is noise·√(xᵀA⁻¹x), the posterior standard deviation
// of the sampled θ̃ᵀx.
func (a *arm) mean(x vec) float64 { return dot(a.mu, x) }

func (a *arm) sd(x vec, noise float64) float64 {
	q := 0.0
	for i := range contextDim {
		q += x[i] * dot(a.ainv[i], x)
	}
	return noise * math.Sqrt(math.Max(q, 0))
}

func dot(x, y vec) float64 {
	s := 0.0
	for i := range contextDim {
		s += x[i] * y[i]
	}
	return s
}

// invert sets ainv = A⁻¹ by Cholesky, failing unless A is symmetric
// positive definite (as every reachable A is): used on restore, so a
// tampered file cannot plant a matrix the updates would blow up on.
func (a *arm) invert() error {
	var l [contextDim]vec
	for i := range contextDim {
		for j := 0; j <= i; j++ {
			if a.a[i][j] != a.a[j][i] {
				return errors.New("matrix is not symmetric")
			}
			s := a.a[i][j]
			for k := range j {
				s -= l[i][k] * l[j][k]
			}
			if i == j {
				if !(s > 0) {
					return errors.New("matrix is not positive definite")
				}
				l[i][i] = math.Sqrt(s)
			} else {
				l[i][j] = s / l[j][j]
			}
		}
	}
	// Solve L Lᵀ X = I column by column.
	for c := range contextDim {
		var y vec
		for i := range contextDim {
			s := 0.0
			if i == c {
				s = 1
			}
			for k := range i {
				s -= l[i][k] * y[k]
			}
			y[i] = s / l[i][i]
		}
		for i := contextDim - 1; i >= 0; i-- {
			s := y[i]
			for k := i + 1; k < contextDim; k++ {
				s -= l[k][i] * a.ainv[k][c]
			}
			a.ainv[i][c] = s / l[i][i]
		}
	}
	a.solve()
	return nil
}
