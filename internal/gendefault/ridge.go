package main

import (
	"fmt"
	"math"
	"sort"

	"github.com/llmrouter/llmrouter/internal/chatshape"
)

// fitBlend fits gap ≈ c + α·L + Σ b_k·x_k by ridge regression (standardised
// columns, intercept free, penalty chosen by cross-validated squared
// error). A negative α — the trained difficulty ranking the rows the wrong
// way round — is not served: L is dropped and the fit redone, α = 0. The
// blend a·L + w·x is the fit scaled so that its spread over the rows is
// L's (the percentile logit's: the difficulty keeps the spread the router's
// thresholds were set for), a = s·α, w_k = s·b_k; the bias w[0] puts the
// median row at 0 (difficulty 0.5).
func fitBlend(L []float64, X [][chatshape.N]float64, y, wt []float64, cfg config) (w [chatshape.N + 1]float64, a, lambda float64, err error) {
	n := len(y)
	const p = chatshape.N + 1
	rows := make([][p]float64, n)
	for i := range rows {
		rows[i][0] = L[i]
		copy(rows[i][1:], X[i][:])
	}
	lambdas := []float64{0.01, 0.1, 1, 10, 100}
	folds := groupFolds(seq(n), cfg.folds, cfg.seed+2)
	fit := func() [p]float64 {
		best := math.Inf(1)
		for _, l := range lambdas {
			var sse float64
			for _, test := range folds {
				beta, c := ridge(rows, y, wt, without(seq(n), test), l)
				for _, i := range test {
					e := y[i] - c - dot(beta[:], rows[i][:])
					sse += wt[i] * e * e
				}
			}
			if sse < best {
				best, lambda = sse, l
			}
		}
		beta, _ := ridge(rows, y, wt, seq(n), lambda)
		return beta
	}
	dropL := func() {
		for i := range rows {
			rows[i][0] = 0 // a constant column: weight 0
		}
	}
	if cfg.dense {
		dropL() // the shape signals alone
	}
	beta := fit()
	if beta[0] < 0 {
		dropL()
		beta = fit()
	}
	z := make([]float64, n)
	var sz, szz, sl, sll, W float64
	for i := range rows {
		z[i] = dot(beta[:], rows[i][:])
		sz += wt[i] * z[i]
		szz += wt[i] * z[i] * z[i]
		sl += wt[i] * L[i]
		sll += wt[i] * L[i] * L[i]
		W += wt[i]
	}
	sdZ := math.Sqrt(math.Max(0, szz/W-(sz/W)*(sz/W)))
	sdL := math.Sqrt(math.Max(0, sll/W-(sl/W)*(sl/W)))
	if !(sdZ > 1e-12) {
		return w, 0, lambda, fmt.Errorf("the blend fitted no signal (every weight 0)")
	}
	s := sdL / sdZ
	a = s * beta[0]
	for k := 1; k < p; k++ {
		w[k] = s * beta[k]
	}
	var zs []float64
	for i := range z {
		if wt[i] > 0 {
			zs = append(zs, s*z[i])
		}
	}
	sort.Float64s(zs)
	w[0] = -zs[len(zs)/2]
	return w, a, lambda, nil
}

// ridge solves min Σ_i∈idx wt_i·(y_i − c − β·x_i)² + λ·W/100·|β_std|² (W
// the total weight) on columns standardised over idx, and returns β and c
// on the raw scale.
func ridge(rows [][chatshape.N + 1]float64, y, wt []float64, idx []int, lambda float64) (beta [chatshape.N + 1]float64, c float64) {
	const p = chatshape.N + 1
	var mean, sd [p]float64
	var my, nf float64
	for _, i := range idx {
		for k := range p {
			mean[k] += wt[i] * rows[i][k]
		}
		my += wt[i] * y[i]
		nf += wt[i]
	}
	for k := range p {
		mean[k] /= nf
	}
	my /= nf
	for _, i := range idx {
		for k := range p {
			d := rows[i][k] - mean[k]
			sd[k] += wt[i] * d * d
		}
	}
	for k := range p {
		sd[k] = math.Sqrt(sd[k] / nf)
	}
	var a [p][p]float64
	var b [p]float64
	for _, i := range idx {
		var z [p]float64
		for k := range p {
			if sd[k] > 0 {
				z[k] = (rows[i][k] - mean[k]) / sd[k]
			}
		}
		for j := range p {
			b[j] += wt[i] * z[j] * (y[i] - my)
			for k := range p {
				a[j][k] += wt[i] * z[j] * z[k]
			}
		}
	}
	for k := range p {
		a[k][k] += lambda * nf / 100
		if sd[k] == 0 {
			a[k][k] = 1 // a constant column gets weight 0
		}
	}
	std := solve(a, b)
	c = my
	for k := range p {
		if sd[k] > 0 {
			beta[k] = std[k] / sd[k]
			c -= beta[k] * mean[k]
		}
	}
	return beta, c
}

// solve solves a·x = b for a symmetric positive definite a (Gaussian
// elimination; a is small and well conditioned by the ridge).
func solve(a [10][10]float64, b [10]float64) [10]float64 {
	const p = 10
	for col := range p {
		for r := col + 1; r < p; r++ {
			f := a[r][col] / a[col][col]
			for k := col; k < p; k++ {
				a[r][k] -= f * a[col][k]
			}
			b[r] -= f * b[col]
		}
	}
	var x [p]float64
	for r := p - 1; r >= 0; r-- {
		s := b[r]
		for k := r + 1; k < p; k++ {
			s -= a[r][k] * x[k]
		}
		x[r] = s / a[r][r]
	}
	return x
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
