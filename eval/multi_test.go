package eval

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Three models, four prompts, worked by hand. Realised costs are constant
// per model: A .1, B .5, C 1.
//
//	prompt  A  B  C
//	  0     1  1  1
//	  1     0  1  1
//	  2     0  0  1
//	  3     0  0  0
//
// Single models: A (.1, .25), B (.5, .5), C (1, .75); C is the best.
// Oracle: p0→A, p1→B, p2→C, p3→A (all 0: the cheapest): cost 1.7/4 = .425, quality .75.
// Router with perfect predictions and decision costs (.1, .5, 1):
//
//	λ = 0:  the oracle's choices            → (.425, .75)
//	λ = 2:  p1 keeps B (1−1 > −.2), p2 drops C (1−2 < −.2) → A,B,A,A → (.2, .5)
//	λ = 10: everything to A                 → (.1, .25)
//
// Hull: (.1,.25) → (.2,.5) slope 2.5 → (.425,.75) slope 1.11: concave, all kept.
// 95% of .75 = .7125: router hull .2 + (.2125/.25)·.225 = .39125 (fraction of
// C's cost 1: .39125); cheapest router point reaching it .425; two-model mix
// along B→C: .5 + (.2125/.25)·.5 = .925. 100%: router .425, mix 1.
func handMatrix() Matrix {
	scores := [][]float64{{1, 1, 1}, {0, 1, 1}, {0, 0, 1}, {0, 0, 0}}
	costs := make([][]float64, 4)
	for i := range costs {
		costs[i] = []float64{.1, .5, 1}
	}
	return Matrix{Models: []string{"A", "B", "C"}, Scores: scores, Costs: costs}
}

func TestEvaluateMultiByHand(t *testing.T) {
	m := handMatrix()
	r, err := EvaluateMulti(m.Scores, []float64{.1, .5, 1}, m, MultiOptions{Lambdas: []float64{0, 2, 10}})
	require.NoError(t, err)
	require.Len(t, r.Curve, 3)
	want := [][2]float64{{.425, .75}, {.2, .5}, {.1, .25}}
	for i, w := range want {
		assert.InDelta(t, w[0], r.Curve[i].Cost, 1e-12, "cost at λ=%v", r.Curve[i].Lambda)
		assert.InDelta(t, w[1], r.Curve[i].Quality, 1e-12, "quality at λ=%v", r.Curve[i].Lambda)
	}
	assert.InDeltaSlice(t, []float64{.5, .25, .25}, r.Curve[0].Share, 1e-12)
	require.Len(t, r.Hull, 3)
	assert.InDelta(t, .1, r.Hull[0].Cost, 1e-12)
	assert.Equal(t, "C", r.Best.Label)
	assert.InDelta(t, .425, r.Oracle.Cost, 1e-12)
	assert.InDelta(t, .75, r.Oracle.Quality, 1e-12)
	require.Len(t, r.Reach, 2)
	assert.Equal(t, .95, r.Reach[0].Target)
	assert.InDelta(t, .425, r.Reach[0].Router, 1e-12)
	assert.InDelta(t, .39125, r.Reach[0].RouterHull, 1e-12)
	assert.InDelta(t, .925, r.Reach[0].Mix, 1e-12)
	assert.InDelta(t, .425, r.Reach[0].Oracle, 1e-12)
	assert.InDelta(t, .425, r.Reach[1].Router, 1e-12)
	assert.InDelta(t, 1, r.Reach[1].Mix, 1e-12)
}

func TestDecisionVersusRealisedCost(t *testing.T) {
	// The decision uses the mean cost; the accounting the row's own cost.
	m := Matrix{Models: []string{"cheap", "dear"},
		Scores: [][]float64{{0, 1}, {0, 1}},
		Costs:  [][]float64{{1, 3}, {1, 7}}}
	pts, err := SweepLambda([][]float64{{0, 1}, {0, 1}}, []float64{1, 5}, m, []float64{0, 0.2, 0.3})
	require.NoError(t, err)
	// λ=.2: utility dear 1−1 = 0 ties cheap 0−.2? No: cheap 0−.2 = −.2 < 0, so dear.
	// λ=.3: dear 1−1.5 = −.5 < cheap −.3: cheap.
	assert.InDelta(t, 5, pts[0].Cost, 1e-12) // (3+7)/2
	assert.InDelta(t, 5, pts[1].Cost, 1e-12)
	assert.InDelta(t, 1, pts[2].Cost, 1e-12)
	assert.Equal(t, 1, Choose([]float64{1, 1}, []float64{2, 1}, 0), "a tie goes to the cheaper model")
}

func TestHullAndPareto(t *testing.T) {
	pts := []CQPoint{
		{Cost: 1, Quality: .2}, {Cost: 2, Quality: .6}, {Cost: 3, Quality: .65},
		{Cost: 4, Quality: .9}, {Cost: 5, Quality: .8}, // dominated
		{Cost: 2, Quality: .5}, // dominated (same cost, lower quality)
	}
	front := ParetoFront(pts)
	var fc []float64
	for _, p := range front {
		fc = append(fc, p.Cost)
	}
	assert.Equal(t, []float64{1, 2, 3, 4}, fc)
	hull := UpperHull(pts)
	var hc []float64
	for _, p := range hull {
		hc = append(hc, p.Cost)
	}
	// (3,.65) lies below the segment (2,.6)→(4,.9) (which is at .75 there).
	assert.Equal(t, []float64{1, 2, 4}, hc)
	c, ok := HullCostToReach(pts, .75)
	assert.True(t, ok)
	assert.InDelta(t, 3, c, 1e-12)
	c, ok = CostToReach(pts, .75)
	assert.True(t, ok)
	assert.Equal(t, 4.0, c)
	_, ok = CostToReach(pts, .95)
	assert.False(t, ok)
	_, ok = HullCostToReach(pts, .95)
	assert.False(t, ok)
	c, ok = HullCostToReach(pts, .1)
	assert.True(t, ok)
	assert.Equal(t, 1.0, c, "below the cheapest point: the cheapest point")
}

func TestMultiBadInput(t *testing.T) {
	m := handMatrix()
	good := m.Scores
	tests := []struct {
		name string
		pred [][]float64
		cost []float64
		m    Matrix
		msg  string
	}{
		{"pred rows", good[:2], []float64{1, 2, 3}, m, "2 prediction rows for 4"},
		{"pred width", [][]float64{{1}, {1}, {1}, {1}}, []float64{1, 2, 3}, m, "row 0 has 1 values"},
		{"cost count", good, []float64{1, 2}, m, "2 decision costs for 3"},
		{"NaN pred", [][]float64{{math.NaN(), 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}}, []float64{1, 2, 3}, m, "predicted[0][0] is NaN"},
		{"negative cost", good, []float64{1, -2, 3}, m, "decision cost of B"},
		{"empty matrix", nil, nil, Matrix{Models: []string{"A"}}, "no prompts"},
		{"ragged matrix", good, []float64{1, 2, 3}, Matrix{Models: m.Models, Scores: m.Scores, Costs: m.Costs[:1]}, "4 score rows but 1 cost rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := EvaluateMulti(tt.pred, tt.cost, tt.m, MultiOptions{})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
	_, err := SweepLambda(good, []float64{1, 2, 3}, m, []float64{-1})
	assert.ErrorContains(t, err, "λ")
}

func TestDefaultLambdas(t *testing.T) {
	m := handMatrix()
	lams := DefaultLambdas(m.Scores, []float64{.1, .5, 1}, 0)
	require.Len(t, lams, DefaultLambdaSteps+1)
	assert.Equal(t, 0.0, lams[0])
	for i := 2; i < len(lams); i++ {
		assert.Greater(t, lams[i], lams[i-1])
	}
	pts, err := SweepLambda(m.Scores, []float64{.1, .5, 1}, m, lams)
	require.NoError(t, err)
	last := pts[len(pts)-1]
	assert.Equal(t, []float64{1, 0, 0}, last.Share, "the largest λ sends everything to the cheapest model")
	assert.Equal(t, []float64{0}, DefaultLambdas(m.Scores, []float64{1, 1, 1}, 10))
}
