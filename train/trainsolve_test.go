package train

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNormalMatchesExplicitRows: normal, which gathers mul⊙v and never
// stores an entry's value, computes the shifted, centred normal product
// as the explicit feature rows do, with and without idf, dense features
// and centring, on the table path and on the slow path (no tfTab, as with
// overflowed codes).
func TestNormalMatchesExplicitRows(t *testing.T) {
	words := []string{"alpha", "beta", "gamma", "delta", "prove", "code", "sum", "why", "alpha"}
	m := newTrainMatrix(7)
	var w []float64
	for i := 0; i < 41; i++ {
		text := ""
		for k := 0; k < 2+i%9; k++ {
			text += words[(i*5+k*k)%len(words)] + " "
		}
		m.add(text, 64)
		w = append(w, 0.5+float64(i%3))
	}
	m.done()
	require.NotNil(t, m.tfTab)
	act := make([]int, 0, m.n)
	for i := 0; i < m.n; i += 1 + i%2 {
		act = append(act, i)
	}
	for _, tc := range []struct {
		name   string
		idf    bool
		dw     float64
		noTab  bool
		center bool
	}{
		{"plain", false, 0, false, false},
		{"idf", true, 0, false, true},
		{"idf, dense", true, 0.1, false, true},
		{"dense, slow path", false, 0.5, true, true},
		{"idf, dense, slow path", true, 0.1, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab := m.tfTab
			if tc.noTab {
				m.tfTab = nil
				defer func() { m.tfTab = tab }()
			}
			d := newDesign(m, act, tc.idf, tc.dw, nil)
			v := make([]float64, d.dim)
			for j := range v {
				v[j] = math.Sin(float64(j)*0.7) + 0.1
			}
			mu := make([]float64, d.dim)
			for j := range mu {
				mu[j] = math.Cos(float64(j)) * 0.01
			}
			c := dotf(mu, v)
			if !tc.center {
				mu, c = nil, 0
			}
			want := make([]float64, d.dim)
			var wantSum float64
			x := make([]float64, d.dim)
			for _, i := range act {
				clear(x)
				d.axpy(i, 1, x)
				r := dotf(x, v) - c
				for j, xj := range x {
					want[j] += w[i] * r * xj
				}
				wantSum += w[i] * r
			}
			const s, sLast = 0.7, 0.3
			for j := range want {
				want[j] += s * v[j]
				if mu != nil {
					want[j] -= wantSum * mu[j]
				}
			}
			want[d.dim-1] += (sLast - s) * v[d.dim-1]
			out := make([]float64, d.dim)
			vo := d.normal(act, w, v, out, make([]float64, d.dim), mu, s, sLast)
			require.InDelta(t, dotf(v, want), vo, 1e-9*math.Abs(vo))
			var diff, norm float64
			for j := range want {
				diff += (out[j] - want[j]) * (out[j] - want[j])
				norm += want[j] * want[j]
			}
			require.Greater(t, norm, 0.0)
			require.Less(t, math.Sqrt(diff/norm), 1e-12)
		})
	}
}
