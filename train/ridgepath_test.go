package train

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// denseRidge solves (X'WX + λI)β = X'Wy, the bias column (d.bias = 1)
// unpenalised, by Cholesky on the explicit normal matrix: the reference
// for ridgePath on small designs.
func denseRidge(d *design, rows []int, y, w []float64, lambda float64) []float64 {
	n := d.dim
	a := make([][]float64, n)
	for j := range a {
		a[j] = make([]float64, n)
		a[j][j] = lambda
	}
	a[n-1][n-1] = 0
	b := make([]float64, n)
	x := make([]float64, n)
	for _, i := range rows {
		clear(x)
		d.axpy(i, 1, x)
		var nz []int
		for j, v := range x {
			if v != 0 {
				nz = append(nz, j)
			}
		}
		for _, j := range nz {
			b[j] += w[i] * y[i] * x[j]
			for _, k := range nz {
				a[j][k] += w[i] * x[j] * x[k]
			}
		}
	}
	for j := 0; j < n; j++ { // in-place Cholesky, lower triangle
		for k := 0; k < j; k++ {
			a[j][j] -= a[j][k] * a[j][k]
		}
		a[j][j] = math.Sqrt(a[j][j])
		for i := j + 1; i < n; i++ {
			for k := 0; k < j; k++ {
				a[i][j] -= a[i][k] * a[j][k]
			}
			a[i][j] /= a[j][j]
		}
	}
	for i := 0; i < n; i++ {
		for k := 0; k < i; k++ {
			b[i] -= a[i][k] * b[k]
		}
		b[i] /= a[i][i]
	}
	for i := n - 1; i >= 0; i-- {
		for k := i + 1; k < n; k++ {
			b[i] -= a[k][i] * b[k]
		}
		b[i] /= a[i][i]
	}
	return b
}

// TestRidgePathMatchesDirectSolve: every penalty's multi-shift solution,
// shifts above and below the first given, is the direct solution's.
func TestRidgePathMatchesDirectSolve(t *testing.T) {
	words := []string{"alpha", "beta", "gamma", "delta", "prove", "code", "sum", "why"}
	m := newTrainMatrix(8)
	var y, w []float64
	for i := 0; i < 300; i++ {
		text := ""
		for k := 0; k < 3+i%7; k++ {
			text += words[(i*7+k*k*3)%len(words)] + " "
		}
		m.add(text, 64)
		y = append(y, float64((i*5)%3)/2)
		w = append(w, 1+float64(i%2))
	}
	m.done()
	rows := make([]int, 0, 250)
	for i := 0; i < 250; i++ {
		rows = append(rows, i)
	}
	lambdas := []float64{10, 0.3, 3, 100, 1}
	for _, useIDF := range []bool{false, true} {
		d := newDesign(m, rows, useIDF, 0.1, nil)
		d.bias = 0
		got := map[int][]float64{}
		d.ridgePath(rows, y, w, lambdas, cgTol, new(pathBuf), func(k int, beta []float64) {
			got[k] = append([]float64(nil), beta...)
		})
		require.Len(t, got, len(lambdas))
		for k, l := range lambdas {
			d.bias = 1
			want := denseRidge(d, rows, y, w, l)
			var diff, norm float64
			for j := range want {
				diff += (got[k][j] - want[j]) * (got[k][j] - want[j])
				norm += want[j] * want[j]
			}
			require.Less(t, math.Sqrt(diff/norm), 5e-3, "idf %v, λ %v: relative error of β (cgTol allows about 1e-3)", useIDF, l)
		}
	}
}
