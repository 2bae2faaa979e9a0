package bandit

// Pooling what the arms learn. Each arm learns a correction to the
// router's prediction from its own grades only, so with many models
// (RouterBench: 11) each arm sees a tenth of the grades, and a model
// rarely chosen keeps its prior's error for long. Much of that error is
// common to the models (the prediction is too hopeful on hard requests
// for all of them, the live choice's raise is too large or too small for
// whichever model it lands on), so with Options.Pool each arm's prior
// mean is the correction learnt from every arm's grades together,
// θ_pool, instead of 0, and its own grades then learn how it differs:
//
//	θ_arm = A_arm⁻¹ (b_arm + Pool·ridge·θ_pool)
//
// (the ridge posterior with prior N(Pool·θ_pool, I/ridge)), where θ_pool is
// the ridge fit on the arms' summed statistics. It is computed from the
// arms, so neither the state file nor the shared totals change. The
// spread stays each arm's own.
//
// Off by default: on RouterBench seeds 11–30 it was no better, paired by
// seed, than each arm learning alone (with the earlier defaults Pool 1:
// −11.1 ± 47.1 a run, a seed at 2,392.9; with the current ones +0.8 ±
// 23.7), since what the live choice's grades teach (most grades are
// its) is not what the other models need.

// pooled is the per-arm mean vectors with the pooled prior, for one
// published arms state.
type pooled struct {
	src *[]*arm
	mu  []vec
}

// pooledMeans returns every arm's mean vector with the pooled prior for
// the arms state src, computing it once per published state (O(arms·d²)
// plus a d×d Cholesky); nil when Options.Pool is off or the pooled matrix
// cannot be inverted.
func (p *Policy) pooledMeans(src *[]*arm) []vec {
	if p.opt.Pool <= 0 {
		return nil
	}
	if c := p.pool.Load(); c != nil && c.src == src {
		return c.mu
	}
	arms := *src
	all := newArm(p.opt.Ridge)
	for _, a := range arms {
		for i := range contextDim {
			for j := range contextDim {
				all.a[i][j] += a.a[i][j]
			}
			all.a[i][i] -= p.opt.Ridge
			all.b[i] += a.b[i]
		}
	}
	c := &pooled{src: src}
	if all.invert() == nil {
		w := p.opt.Pool * p.opt.Ridge
		c.mu = make([]vec, len(arms))
		for k, a := range arms {
			for i := range contextDim {
				c.mu[k][i] = a.mu[i] + w*dot(a.ainv[i], all.mu)
			}
		}
	}
	p.pool.Store(c)
	return c.mu
}
