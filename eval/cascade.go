package eval

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// CascadePoint is one operating point of a cascade or of a pre-router.
type CascadePoint struct {
	// Threshold: prompts with a score ≥ Threshold are escalated (cascade)
	// or sent to the strong model (pre-routing). +Inf for the point where
	// none is.
	Threshold float64
	// Share is the fraction of prompts escalated (cascade) or sent to the
	// strong model (pre-routing), in [0,1].
	Share float64
	// Quality is the mean score of the answer each prompt ends with; PGR is
	// (Quality − WeakQuality)/(StrongQuality − WeakQuality).
	Quality, PGR float64
	// Cost is the mean cost per request actually paid; CostShare is Cost
	// divided by the mean cost of sending every prompt to the strong model.
	Cost, CostShare float64
}

// CascadeReport scores a weak-then-strong cascade (Cascade) or a prompt-only
// strong/weak router (PreRoute) on the same prompts, so the two can be read
// side by side.
type CascadeReport struct {
	N int
	// WeakQuality and StrongQuality are the mean scores of always-weak and
	// always-strong; WeakCost and StrongCost their mean costs per request.
	WeakQuality, StrongQuality, WeakCost, StrongCost float64
	// Points is the exact curve: one point with Share 0, then one per
	// distinct score in decreasing order (tied scores move together, never
	// broken by looking at the labels), sorted by Share ascending.
	Points []CascadePoint
	// APGR is the area under PGR over Share by the trapezoid rule (the exact
	// curve, as StepAPGR): 0.5 for a random score.
	APGR float64
	// CostAt95 is the smallest CostShare at which Quality reaches 95% of
	// StrongQuality, and ShareAt95 the Share there (see CostFor). NaN when
	// never reached.
	CostAt95, ShareAt95 float64
}

// Cascade scores a cascade that answers every prompt with the weak model
// first and escalates to the strong model when escalate[i] ≥ a threshold
// (higher = more reason to escalate, e.g. a verifier's probability that the
// weak answer is rejected). Every request pays the weak model; escalated
// ones pay both: cost_i = costWeak[i] + costStrong[i] when escalated,
// costWeak[i] otherwise, and the escalated prompt ends with the strong
// answer. So the curve runs from (WeakCost, WeakQuality) at share 0 to
// (WeakCost+StrongCost, StrongQuality) at share 1, and CostShare can exceed 1.
//
// strong[i] and weak[i] are the two models' scores on prompt i (higher is
// better), costStrong[i] and costWeak[i] their costs on it (≥ 0). A cost
// slice of length 1 is a price applied to every prompt: pass
// []float64{ratio} and []float64{1} to score with a cost ratio only. The
// mean strong cost must be > 0. Errors: empty or mismatched slices, NaN or
// infinite values, negative costs, ErrNoGap. Pure and safe for concurrent use.
func Cascade(strong, weak, escalate, costStrong, costWeak []float64) (CascadeReport, error) {
	return costCurve(strong, weak, escalate, costStrong, costWeak, true)
}

// PreRoute scores a prompt-only router on the same terms as Cascade, for
// comparison: prompt i goes to the strong model alone when router[i] ≥ a
// threshold and to the weak model alone otherwise, paying only the model
// called. Its Share is the strong-call share, and its APGR equals StepAPGR's.
// Arguments and errors as for Cascade.
func PreRoute(strong, weak, router, costStrong, costWeak []float64) (CascadeReport, error) {
	return costCurve(strong, weak, router, costStrong, costWeak, false)
}

// CostFor returns the smallest CostShare at which the curve reaches the
// given fraction of StrongQuality (0.95 for CostAt95), and the Share there,
// reading the curve as straight segments between adjacent points (a segment
// is reached by mixing its two thresholds at random). NaN, NaN when the
// curve never reaches it.
func (r CascadeReport) CostFor(fraction float64) (costShare, share float64) {
	target := fraction * r.StrongQuality
	costShare, share = math.NaN(), math.NaN()
	better := func(c, s float64) {
		if math.IsNaN(costShare) || c < costShare {
			costShare, share = c, s
		}
	}
	for i, p := range r.Points {
		if p.Quality >= target {
			better(p.CostShare, p.Share)
		}
		if i == 0 {
			continue
		}
		a := r.Points[i-1]
		if (a.Quality < target) != (p.Quality < target) && a.Quality != p.Quality {
			f := (target - a.Quality) / (p.Quality - a.Quality)
			better(a.CostShare+f*(p.CostShare-a.CostShare), a.Share+f*(p.Share-a.Share))
		}
	}
	return costShare, share
}

// costs returns c as n per-prompt costs (a length-1 slice is a constant).
func costs(name string, c []float64, n int) ([]float64, error) {
	if len(c) != n && len(c) != 1 {
		return nil, fmt.Errorf("eval: %d %s costs for %d prompts; want %d or 1", len(c), name, n, n)
	}
	if err := checkFinite(name+" cost", c); err != nil {
		return nil, err
	}
	for i, x := range c {
		if x < 0 {
			return nil, fmt.Errorf("eval: %s cost[%d] = %v; want ≥ 0", name, i, x)
		}
	}
	if len(c) == n {
		return c, nil
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = c[0]
	}
	return out, nil
}

func costCurve(strong, weak, score, costStrong, costWeak []float64, cascade bool) (CascadeReport, error) {
	qs, qw, err := checkPair(strong, weak)
	if err != nil {
		return CascadeReport{}, err
	}
	n := len(strong)
	if len(score) != n {
		return CascadeReport{}, fmt.Errorf("eval: %d escalation/router scores for %d prompts", len(score), n)
	}
	if err := checkFinite("score", score); err != nil {
		return CascadeReport{}, err
	}
	cs, err := costs("strong", costStrong, n)
	if err != nil {
		return CascadeReport{}, err
	}
	cw, err := costs("weak", costWeak, n)
	if err != nil {
		return CascadeReport{}, err
	}
	r := CascadeReport{N: n, WeakQuality: qw, StrongQuality: qs, WeakCost: mean(cw), StrongCost: mean(cs)}
	if r.StrongCost == 0 {
		return CascadeReport{}, errors.New("eval: the strong model's mean cost is 0; cost shares are undefined")
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return score[idx[a]] > score[idx[b]] })

	// Running sums over the first k prompts by score: the quality and cost
	// they add when escalated (or sent to the strong model).
	quality, cost := qw*float64(n), r.WeakCost*float64(n)
	point := func(t float64, k int) CascadePoint {
		q, c := quality/float64(n), cost/float64(n)
		return CascadePoint{Threshold: t, Share: float64(k) / float64(n), Quality: q,
			PGR: (q - qw) / (qs - qw), Cost: c, CostShare: c / r.StrongCost}
	}
	r.Points = append(r.Points, point(math.Inf(1), 0))
	for k := 0; k < n; {
		t := score[idx[k]]
		for ; k < n && score[idx[k]] == t; k++ {
			i := idx[k]
			quality += strong[i] - weak[i]
			cost += cs[i]
			if !cascade {
				cost -= cw[i]
			}
		}
		r.Points = append(r.Points, point(t, k))
	}
	area := 0.0
	for i := 1; i < len(r.Points); i++ {
		a, b := r.Points[i-1], r.Points[i]
		area += (b.Share - a.Share) * (a.PGR + b.PGR) / 2
	}
	r.APGR = area
	r.CostAt95, r.ShareAt95 = r.CostFor(0.95)
	return r, nil
}
