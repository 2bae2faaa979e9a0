package bandit

import "math"

// The propensity of a Thompson-sampling choice. With one linear model per
// arm, arm k's sampled reward is an independent normal N(m_k, s_k²), so
//
//	P(arm c has the largest) = ∫ φ(z) Π_{k≠c} Φ((m_c + s_c·z − m_k) / s_k) dz,
//
// a one-dimensional integral, taken here by the trapezoid rule on
// z ∈ [−propZ, propZ] (φ beyond it is below 1e-10) with a step of at
// most 0.1, finer when another arm's spread is much smaller than the
// chosen one's (its CDF is then a near-step in z), up to propMaxSteps.
// An arm with s_k = 0 is a step. Cost: steps·(arms−1) normal CDFs, a few
// µs when the spreads are alike.
const (
	propZ        = 7.0
	propMaxSteps = 4000
)

func propensity(c int, m, s []float64) float64 {
	if len(m) == 1 {
		return 1
	}
	h := 0.1
	for k := range s {
		if k != c && s[c] > 0 {
			h = math.Min(h, s[k]/s[c]/4)
		}
	}
	steps := int(math.Min(math.Ceil(2*propZ/h), propMaxSteps))
	h = 2 * propZ / float64(steps)
	sum := 0.0
	for i := 0; i <= steps; i++ {
		z := -propZ + float64(i)*h
		y := m[c] + s[c]*z // the chosen arm's sampled reward
		p := math.Exp(-z*z/2) / math.Sqrt(2*math.Pi)
		for k := range m {
			if k == c || p == 0 {
				continue
			}
			p *= normCDF(y-m[k], s[k])
		}
		w := 1.0
		if i == 0 || i == steps {
			w = 0.5
		}
		sum += w * p
	}
	return clamp(sum*h, 1e-9, 1)
}

// normCDF is P(N(0, s²) < x); a step when s is 0.
func normCDF(x, s float64) float64 {
	if s <= 0 {
		switch {
		case x > 0:
			return 1
		case x == 0:
			return 0.5
		}
		return 0
	}
	return 0.5 * math.Erfc(-x/(s*math.Sqrt2))
}
