package main

import (
	"math"

	"github.com/llmrouter/llmrouter/eval"
)

// combined scores every row by a ridge regression of the gain (strong −
// weak) on all the study's cascade-visible columns, standardized, with the
// penalty chosen among grid by inner CV inside each outer fold (nested), so
// no row's score comes from a setting chosen with its own label.
func combined(x [][]float64, strong, weak []float64, prompts []string, k int, seed uint64, grid []float64) ([]float64, []float64, error) {
	folds, err := eval.GroupKFold(prompts, k, seed, nil)
	if err != nil {
		return nil, nil, err
	}
	out := make([]float64, len(x))
	var chosen []float64
	for _, f := range folds {
		best, bestA := grid[0], math.Inf(-1)
		for _, l2 := range grid {
			inner, err := fitScore(x, strong, weak, f.Train, prompts, k, seed, l2)
			if err != nil {
				return nil, nil, err
			}
			if inner > bestA {
				best, bestA = l2, inner
			}
		}
		chosen = append(chosen, best)
		w, mu, sd := fitRidge(x, strong, weak, f.Train, best)
		for _, i := range f.Test {
			out[i] = predict(w, mu, sd, x[i])
		}
	}
	return out, chosen, nil
}

// fitScore is the pooled inner-CV cascade APGR of ridge with penalty l2 on
// rows.
func fitScore(x [][]float64, strong, weak []float64, rows []int, prompts []string, k int, seed uint64, l2 float64) (float64, error) {
	sub := make([]string, len(rows))
	for j, i := range rows {
		sub[j] = prompts[i]
	}
	folds, err := eval.GroupKFold(sub, k, seed, nil)
	if err != nil {
		return 0, err
	}
	s, wk, sc := make([]float64, len(rows)), make([]float64, len(rows)), make([]float64, len(rows))
	for _, f := range folds {
		tr := make([]int, len(f.Train))
		for j, t := range f.Train {
			tr[j] = rows[t]
		}
		w, mu, sd := fitRidge(x, strong, weak, tr, l2)
		for _, t := range f.Test {
			i := rows[t]
			s[t], wk[t], sc[t] = strong[i], weak[i], predict(w, mu, sd, x[i])
		}
	}
	return apgr(s, wk, sc), nil
}

func fitRidge(x [][]float64, strong, weak []float64, rows []int, l2 float64) (w, mu, sd []float64) {
	d := len(x[0])
	mu, sd = make([]float64, d), make([]float64, d)
	for _, i := range rows {
		for f, v := range x[i] {
			mu[f] += v / float64(len(rows))
		}
	}
	for _, i := range rows {
		for f, v := range x[i] {
			sd[f] += (v - mu[f]) * (v - mu[f]) / float64(len(rows))
		}
	}
	for f := range sd {
		sd[f] = math.Sqrt(sd[f])
		if sd[f] < 1e-9 {
			sd[f] = math.Inf(1) // constant: standardizes to 0
		}
	}
	var xs [][]float64
	var y []float64
	for _, i := range rows {
		xs = append(xs, standardize(mu, sd, x[i]))
		y = append(y, strong[i]-weak[i])
	}
	return ridge(xs, y, l2*float64(len(rows))/100), mu, sd
}

func standardize(mu, sd, row []float64) []float64 {
	z := make([]float64, len(row)+1)
	z[0] = 1
	for f, v := range row {
		z[f+1] = (v - mu[f]) / sd[f]
	}
	return z
}

func predict(w, mu, sd, row []float64) float64 { return dot(w, standardize(mu, sd, row)) }
