package eval

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The 4-prompt case used throughout, worked out by hand.
//
//	prompt  strong  weak  gain  router
//	  0       1      0     1     0.9
//	  1       1      1     0     0.8
//	  2       0      0     0     0.1
//	  3       1      0     1     0.2
//
// q_strong = 3/4, q_weak = 1/4, gap 1/2. By router score, descending:
// p0 (gain 1), p1 (0), p3 (1), p2 (0). Exact (step) curve:
//
//	share  0     .25   .5    .75   1
//	q      .25   .5    .5    .75   .75
//	PGR    0     .5    .5    1     1
//
// StepAPGR = .25·(0+.5)/2 + .25·.5 + .25·(.5+1)/2 + .25·1 = .0625+.125+.1875+.25 = .625.
// CPT(50%) = .25; CPT(80%) = .5 + (.8−.5)/(1−.5)·.25 = .65.
// Oracle (largest gains first; two positive gains): shares 0, .25, .5, 1 with
// PGR 0, .5, 1, 1: APGR = .0625 + .1875 + .5 = .75.
var (
	hStrong = []float64{1, 1, 0, 1}
	hWeak   = []float64{0, 1, 0, 0}
	hRouter = []float64{0.9, 0.8, 0.1, 0.2}
)

func shares(c Curve) []float64 {
	var s []float64
	for _, p := range c.Points {
		s = append(s, p.StrongShare)
	}
	return s
}

func pgrs(c Curve) []float64 {
	var s []float64
	for _, p := range c.Points {
		s = append(s, p.PGR)
	}
	return s
}

func TestStepCurveByHand(t *testing.T) {
	c, err := StepCurve(hStrong, hWeak, hRouter)
	require.NoError(t, err)
	assert.Equal(t, []float64{0, .25, .5, .75, 1}, shares(c))
	assert.InDeltaSlice(t, []float64{0, .5, .5, 1, 1}, pgrs(c), 1e-12)
	assert.True(t, math.IsInf(c.Points[0].Threshold, 1))
	assert.Equal(t, 0.9, c.Points[1].Threshold)
	assert.InDelta(t, .625, c.APGR(), 1e-12)
	assert.InDelta(t, .25, c.CPT(.5), 1e-12)
	assert.InDelta(t, .65, c.CPT(.8), 1e-12)
	assert.Equal(t, 0.0, c.CPT(0))
	assert.True(t, math.IsNaN(c.CPT(1.2)), "never reached")
	pgr, q := c.At(.6)
	assert.InDelta(t, .5+.5*.4, pgr, 1e-12)
	assert.InDelta(t, .5+.25*.4, q, 1e-12)
}

func TestDecileCurveByHand(t *testing.T) {
	// Sorted scores .1 .2 .8 .9; the quantile at p has h = 3p:
	// p=0 → .1 (4 strong); .1 → .13, .2 → .16, .3 → .19 (3 strong: .2 .8 .9);
	// .4 → .2+.2·.6 = .32, .5 → .8−.5·.6 = .5, .6 → .8−.6·.2 = .68 (2 strong);
	// .7 → .8+.1·.1 = .81, .8 → .84, .9 → .87 (1 strong); 1 → "> .9" (0 strong).
	c, err := DecileCurve(hStrong, hWeak, hRouter)
	require.NoError(t, err)
	assert.Equal(t, []float64{0, .25, .25, .25, .5, .5, .5, .75, .75, .75, 1}, shares(c))
	assert.Equal(t, 0.1, c.Points[10].Threshold)
	assert.InDelta(t, 0.32, c.Points[4].Threshold, 1e-12) // p = .4, first of share .5
	assert.True(t, math.IsInf(c.Points[0].Threshold, 1))
	// Duplicate shares add zero width: same area as the exact curve here.
	assert.InDelta(t, .625, c.APGR(), 1e-12)
	a, err := APGR(hStrong, hWeak, hRouter)
	require.NoError(t, err)
	assert.InDelta(t, .625, a, 1e-12)
}

func TestDecileVersusStepOn20(t *testing.T) {
	// With 20 untied scores the deciles land on shares 0, .1, …, 1 exactly
	// (h = 1.9·i, count = 20 − ceil(h)), so the decile curve is the step
	// curve sampled there and its APGR the trapezoid over those 11 points.
	n := 20
	strong, weak, router := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := 0; i < n; i++ {
		strong[i] = float64((i * 7) % 3 % 2)
		weak[i] = float64((i * 5) % 4 / 3)
		router[i] = float64((i * 13) % n)
	}
	dec, err := DecileCurve(strong, weak, router)
	require.NoError(t, err)
	step, err := StepCurve(strong, weak, router)
	require.NoError(t, err)
	require.Len(t, dec.Points, 11)
	area := 0.0
	for i, p := range dec.Points {
		assert.InDelta(t, float64(i)/10, p.StrongShare, 1e-12)
		pgr, _ := step.At(p.StrongShare)
		assert.InDelta(t, pgr, p.PGR, 1e-12)
		if i > 0 {
			area += 0.1 * (p.PGR + dec.Points[i-1].PGR) / 2
		}
	}
	assert.InDelta(t, area, dec.APGR(), 1e-12)
}

func TestTiesAreNotBroken(t *testing.T) {
	// Two tied groups: {p0,p1} at score 1 and {p2,p3} at 0. The strong
	// model wins on p0 and p2 only; q_strong = .5, q_weak = 0. Whatever the
	// input order, the group at 1 moves at once: share .5, PGR .5.
	// APGR = .5·(0+.5)/2 + .5·(.5+1)/2 = .5 — a tie is worth a coin flip.
	for _, perm := range [][]int{{0, 1, 2, 3}, {1, 0, 3, 2}, {3, 2, 1, 0}} {
		strong0 := []float64{1, 0, 1, 0}
		router0 := []float64{1, 1, 0, 0}
		strong, weak, router := make([]float64, 4), make([]float64, 4), make([]float64, 4)
		for i, j := range perm {
			strong[i], router[i] = strong0[j], router0[j]
		}
		c, err := StepCurve(strong, weak, router)
		require.NoError(t, err)
		assert.Equal(t, []float64{0, .5, 1}, shares(c))
		assert.InDeltaSlice(t, []float64{0, .5, 1}, pgrs(c), 1e-12)
		assert.InDelta(t, .5, c.APGR(), 1e-12)
		a, err := APGR(strong, weak, router)
		require.NoError(t, err)
		assert.InDelta(t, .5, a, 1e-12)
	}
}

func TestEvaluateBinaryByHand(t *testing.T) {
	r, err := EvaluateBinary(hStrong, hWeak, hRouter)
	require.NoError(t, err)
	assert.Equal(t, 4, r.N)
	assert.Equal(t, .75, r.StrongQuality)
	assert.Equal(t, .25, r.WeakQuality)
	assert.InDelta(t, .625, r.APGR, 1e-12)
	assert.InDelta(t, .625, r.StepAPGR, 1e-12)
	assert.InDelta(t, .25, r.CPT50, 1e-12)
	assert.InDelta(t, .65, r.CPT80, 1e-12)
	assert.InDelta(t, .65, r.StepCPT80, 1e-12)
}

func TestBaselinesByHand(t *testing.T) {
	rc, err := RandomCurve(hStrong, hWeak, nil)
	require.NoError(t, err)
	require.Len(t, rc.Points, 11)
	assert.InDelta(t, .5, rc.APGR(), 1e-12)
	assert.InDelta(t, .25+.3*.5, rc.Points[3].Quality, 1e-12)

	oc, err := OracleCurve(hStrong, hWeak, nil)
	require.NoError(t, err)
	assert.Equal(t, []float64{0, .25, .5, 1}, shares(oc))
	assert.InDeltaSlice(t, []float64{0, .5, 1, 1}, pgrs(oc), 1e-12)
	assert.InDelta(t, .75, oc.APGR(), 1e-12)

	// At fixed shares a fractional call counts for its fraction: at 10%
	// (0.4 of a call) q = .25 + .4/4 = .35, PGR .2.
	od, err := OracleCurve(hStrong, hWeak, DecileShares())
	require.NoError(t, err)
	assert.InDelta(t, .2, od.Points[1].PGR, 1e-12)
	assert.InDelta(t, 1, od.Points[10].PGR, 1e-12)

	// The oracle as router scores gives the same exact curve's area.
	os, err := OracleScores(hStrong, hWeak)
	require.NoError(t, err)
	assert.Equal(t, []float64{1, 0, 0, 1}, os)
	sa, err := StepAPGR(hStrong, hWeak, os)
	require.NoError(t, err)
	// Step points: 0 → (0,0); gain 1 group → (.5, 1); gain 0 group → (1, 1).
	// Area .5·.5 + .5·1 = .75.
	assert.InDelta(t, .75, sa, 1e-12)

	assert.Equal(t, []float64{3, 0, 2}, LengthScores([]string{"abc", "", "ü!"}))

	m, sd, err := SimulatedRandomAPGR(hStrong, hWeak, 200, 1)
	require.NoError(t, err)
	assert.InDelta(t, .5, m, 0.05)
	assert.Greater(t, sd, 0.0)
}

func TestBinaryBadInput(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name                 string
		strong, weak, router []float64
		msg                  string
	}{
		{"empty", nil, nil, nil, "no prompts"},
		{"weak length", []float64{1, 0}, []float64{0}, []float64{1, 2}, "2 strong scores but 1 weak"},
		{"router length", []float64{1, 0}, []float64{0, 0}, []float64{1}, "1 router scores for 2"},
		{"NaN strong", []float64{nan, 0}, []float64{0, 0}, []float64{1, 2}, "strong[0] is NaN"},
		{"NaN router", []float64{1, 0}, []float64{0, 0}, []float64{1, nan}, "router[1] is NaN"},
		{"Inf weak", []float64{1, 0}, []float64{0, math.Inf(1)}, []float64{1, 2}, "weak[1] is +Inf"},
		{"no gap", []float64{1, 0}, []float64{0, 1}, []float64{1, 2}, "same mean score"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := APGR(tt.strong, tt.weak, tt.router)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.msg)
			_, err = StepCurve(tt.strong, tt.weak, tt.router)
			assert.Error(t, err)
			_, err = EvaluateBinary(tt.strong, tt.weak, tt.router)
			assert.Error(t, err)
		})
	}
	_, err := QuantileCurve(hStrong, hWeak, hRouter, 0)
	assert.Error(t, err)
	_, err = RandomCurve(hStrong, hWeak, []float64{0, 2})
	assert.Error(t, err)
	_, err = OracleCurve(hStrong, hWeak, []float64{.5, .2})
	assert.Error(t, err)
	_, _, err = SimulatedRandomAPGR(hStrong, hWeak, 0, 1)
	assert.Error(t, err)
}
