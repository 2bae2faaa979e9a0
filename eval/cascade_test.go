package eval

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func cascadeCol(r CascadeReport, f func(CascadePoint) float64) []float64 {
	var out []float64
	for _, p := range r.Points {
		out = append(out, f(p))
	}
	return out
}

// The 4-prompt case of binary_test.go (q_strong .75, q_weak .25), scored by
// hand. Escalation order by score: p0 (gain 1), p1 (0), p3 (1), p2 (0), so
// quality .25, .5, .5, .75, .75 and PGR 0, .5, .5, 1, 1 (APGR .625) for both
// modes; only the cost differs. 95% of q_strong is .7125, reached on the
// segment k=2 → k=3 at f = (.7125−.5)/.25 = .85, share .5 + .85·.25 = .7125.
func TestCascadeByHand(t *testing.T) {
	tests := []struct {
		name                 string
		run                  func(s, w, e, cs, cw []float64) (CascadeReport, error)
		costStrong, costWeak []float64
		weakCost, strongCost float64
		costShares           []float64
		costAt95             float64
	}{{
		// Every request pays .1, each escalation 1 more: .1 + k/4.
		name: "cascade, constant prices", run: Cascade,
		costStrong: []float64{1}, costWeak: []float64{.1},
		weakCost: .1, strongCost: 1,
		costShares: []float64{.1, .35, .6, .85, 1.1},
		costAt95:   .6 + .85*.25,
	}, {
		// Each strong call replaces a weak one: .1 + k·.9/4.
		name: "pre-routing, constant prices", run: PreRoute,
		costStrong: []float64{1}, costWeak: []float64{.1},
		weakCost: .1, strongCost: 1,
		costShares: []float64{.1, .325, .55, .775, 1},
		costAt95:   .55 + .85*.225,
	}, {
		// Weak costs sum to .6, strong to 10 (mean 2.5). Cumulative cost
		// after escalating p0, p1, p3, p2: .6, 1.6, 3.6, 7.6, 10.6; /4/2.5.
		name: "cascade, per-prompt costs", run: Cascade,
		costStrong: []float64{1, 2, 3, 4}, costWeak: []float64{.1, .1, .2, .2},
		weakCost: .15, strongCost: 2.5,
		costShares: []float64{.06, .16, .36, .76, 1.06},
		costAt95:   .36 + .85*.4,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := tt.run(hStrong, hWeak, hRouter, tt.costStrong, tt.costWeak)
			require.NoError(t, err)
			assert.Equal(t, 4, r.N)
			assert.InDelta(t, .75, r.StrongQuality, 1e-12)
			assert.InDelta(t, .25, r.WeakQuality, 1e-12)
			assert.InDelta(t, tt.weakCost, r.WeakCost, 1e-12)
			assert.InDelta(t, tt.strongCost, r.StrongCost, 1e-12)
			assert.Equal(t, []float64{0, .25, .5, .75, 1}, cascadeCol(r, func(p CascadePoint) float64 { return p.Share }))
			assert.InDeltaSlice(t, []float64{.25, .5, .5, .75, .75}, cascadeCol(r, func(p CascadePoint) float64 { return p.Quality }), 1e-12)
			assert.InDeltaSlice(t, []float64{0, .5, .5, 1, 1}, cascadeCol(r, func(p CascadePoint) float64 { return p.PGR }), 1e-12)
			assert.InDeltaSlice(t, tt.costShares, cascadeCol(r, func(p CascadePoint) float64 { return p.CostShare }), 1e-12)
			assert.True(t, math.IsInf(r.Points[0].Threshold, 1))
			assert.Equal(t, []float64{.9, .8, .2, .1}, cascadeCol(r, func(p CascadePoint) float64 { return p.Threshold })[1:])
			assert.InDelta(t, .625, r.APGR, 1e-12)
			assert.InDelta(t, tt.costAt95, r.CostAt95, 1e-12)
			assert.InDelta(t, .7125, r.ShareAt95, 1e-12)
		})
	}
}

func TestPreRouteAPGRIsStepAPGR(t *testing.T) {
	strong := []float64{1, 0, 1, 1, 0, 1, 0.5}
	weak := []float64{0, 0, 1, 0, 1, 0, 0.25}
	router := []float64{.3, .3, .9, .1, .5, .7, .2}
	want, err := StepAPGR(strong, weak, router)
	require.NoError(t, err)
	r, err := PreRoute(strong, weak, router, []float64{1}, []float64{1})
	require.NoError(t, err)
	assert.InDelta(t, want, r.APGR, 1e-12)
}

func TestCascadeTiesMoveTogether(t *testing.T) {
	// p0 and p1 tie: both escalate at once (gains 1 and 0, quality .5), so
	// the curve has shares 0, .5, 1 and APGR .5·(0+.5)/2 + .5·(.5+1)/2 = .5.
	r, err := Cascade(hStrong, hWeak, []float64{1, 1, 0, 0}, []float64{1}, []float64{.1})
	require.NoError(t, err)
	assert.Equal(t, []float64{0, .5, 1}, cascadeCol(r, func(p CascadePoint) float64 { return p.Share }))
	assert.InDeltaSlice(t, []float64{.25, .5, .75}, cascadeCol(r, func(p CascadePoint) float64 { return p.Quality }), 1e-12)
	assert.InDelta(t, .5, r.APGR, 1e-12)
}

func TestCascadeCostFor(t *testing.T) {
	// Quality 1/3, 2/3, 1/3, 2/3 at cost shares 0, 1/3, 2/3, 1 (the weak
	// model is free). 95% of 2/3 is first crossed on the first segment at
	// f = (.95·2/3 − 1/3)/(1/3) = .9: cost share .3, share .3.
	r, err := Cascade([]float64{1, 0, 1}, []float64{0, 1, 0}, []float64{3, 2, 1}, []float64{1}, []float64{0})
	require.NoError(t, err)
	assert.InDelta(t, .3, r.CostAt95, 1e-12)
	assert.InDelta(t, .3, r.ShareAt95, 1e-12)
	c, s := r.CostFor(1)
	assert.InDelta(t, 1.0/3, c, 1e-12)
	assert.InDelta(t, 1.0/3, s, 1e-12)
	c, s = r.CostFor(1.01)
	assert.True(t, math.IsNaN(c) && math.IsNaN(s), "never reached: got %v, %v", c, s)

	// The weak model alone reaches 95%: the cascade pays the weak model only.
	r, err = Cascade([]float64{1, 1}, []float64{1, .95}, []float64{0, 1}, []float64{1}, []float64{.1})
	require.NoError(t, err)
	assert.InDelta(t, .1, r.CostAt95, 1e-12)
	assert.Equal(t, 0.0, r.ShareAt95)
}

func TestCascadeErrors(t *testing.T) {
	one := []float64{1}
	tests := []struct {
		name                        string
		strong, weak, score, cs, cw []float64
		want                        string
	}{
		{"empty", nil, nil, nil, one, one, "no prompts"},
		{"score length", hStrong, hWeak, []float64{1}, one, one, "1 escalation/router scores for 4 prompts"},
		{"NaN score", hStrong, hWeak, []float64{1, math.NaN(), 0, 0}, one, one, "score[1] is NaN"},
		{"cost length", hStrong, hWeak, hRouter, []float64{1, 1}, one, "2 strong costs for 4 prompts"},
		{"negative cost", hStrong, hWeak, hRouter, one, []float64{.1, -1, 0, 0}, "weak cost[1] = -1"},
		{"infinite cost", hStrong, hWeak, hRouter, []float64{math.Inf(1)}, one, "strong cost[0] is +Inf"},
		{"free strong model", hStrong, hWeak, hRouter, []float64{0}, one, "mean cost is 0"},
		{"no gap", []float64{1, 0}, []float64{0, 1}, []float64{1, 0}, one, one, "same mean score"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Cascade(tt.strong, tt.weak, tt.score, tt.cs, tt.cw)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			_, err = PreRoute(tt.strong, tt.weak, tt.score, tt.cs, tt.cw)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
