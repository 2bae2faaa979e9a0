package eval

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"unicode/utf8"
)

// Point is one operating point of a binary (strong/weak) router.
type Point struct {
	// Threshold: the router sends a prompt to the strong model when its
	// router score is ≥ Threshold. +Inf means no prompt goes to the strong
	// model; NaN marks a point that is not the result of a threshold (an
	// analytic baseline).
	Threshold float64
	// StrongShare is the fraction of prompts sent to the strong model, in [0,1].
	StrongShare float64
	// Quality is the mean score of the model each prompt was sent to.
	Quality float64
	// PGR is the performance gap recovered: (Quality − q_weak)/(q_strong − q_weak).
	PGR float64
}

// Curve is a binary router's quality as a function of its share of strong
// calls. Points are sorted by StrongShare, ascending; two points may share a
// StrongShare (duplicate thresholds).
type Curve struct {
	Points []Point
	// WeakQuality and StrongQuality are the mean scores of sending every
	// prompt to the weak, resp. the strong, model.
	WeakQuality, StrongQuality float64
}

// ErrNoGap is returned when the strong and the weak model have the same mean
// score, so PGR (a division by their difference) is undefined.
var ErrNoGap = errors.New("eval: strong and weak models have the same mean score; PGR is undefined")

// checkFinite returns an error naming the first non-finite value of xs.
func checkFinite(name string, xs []float64) error {
	for i, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("eval: %s[%d] is %v; want a finite number", name, i, x)
		}
	}
	return nil
}

// checkPair validates strong and weak scores and returns their means.
func checkPair(strong, weak []float64) (qs, qw float64, err error) {
	if len(strong) == 0 {
		return 0, 0, errors.New("eval: no prompts (empty score slices)")
	}
	if len(strong) != len(weak) {
		return 0, 0, fmt.Errorf("eval: %d strong scores but %d weak scores", len(strong), len(weak))
	}
	if err := checkFinite("strong", strong); err != nil {
		return 0, 0, err
	}
	if err := checkFinite("weak", weak); err != nil {
		return 0, 0, err
	}
	qs, qw = mean(strong), mean(weak)
	if qs == qw {
		return qs, qw, ErrNoGap
	}
	return qs, qw, nil
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// ranked holds prompts sorted by router score, descending, with prefix sums
// of the gain strong − weak, so the quality of any threshold is a binary
// search away. Only group boundaries (between distinct scores) are ever
// read, so the order within a group of tied scores never matters: ties are
// never broken, in particular not by looking at the labels.
type ranked struct {
	scores  []float64 // descending
	gainSum []float64 // gainSum[k] = Σ of the gains of the first k prompts
	weakSum float64
	qs, qw  float64
}

func newRanked(strong, weak, router []float64) (*ranked, error) {
	qs, qw, err := checkPair(strong, weak)
	if err != nil {
		return nil, err
	}
	if len(router) != len(strong) {
		return nil, fmt.Errorf("eval: %d router scores for %d prompts", len(router), len(strong))
	}
	if err := checkFinite("router", router); err != nil {
		return nil, err
	}
	n := len(strong)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return router[idx[a]] > router[idx[b]] })
	r := &ranked{scores: make([]float64, n), gainSum: make([]float64, n+1), qs: qs, qw: qw}
	for k, i := range idx {
		r.scores[k] = router[i]
		r.gainSum[k+1] = r.gainSum[k] + (strong[i] - weak[i])
		r.weakSum += weak[i]
	}
	return r, nil
}

// count returns how many prompts have a router score ≥ t (strict: > t).
func (r *ranked) count(t float64, strict bool) int {
	return sort.Search(len(r.scores), func(k int) bool {
		if strict {
			return r.scores[k] <= t
		}
		return r.scores[k] < t
	})
}

func (r *ranked) point(threshold float64, k int) Point {
	n := float64(len(r.scores))
	q := (r.weakSum + r.gainSum[k]) / n
	return Point{Threshold: threshold, StrongShare: float64(k) / n, Quality: q, PGR: (q - r.qw) / (r.qs - r.qw)}
}

func (r *ranked) curve(points []Point) Curve {
	sort.SliceStable(points, func(a, b int) bool { return points[a].StrongShare < points[b].StrongShare })
	return Curve{Points: points, WeakQuality: r.qw, StrongQuality: r.qs}
}

// QuantileCurve evaluates a binary router as RouteLLM's evaluation does
// with num_results = bins: the thresholds are the bins+1 quantiles of the
// router scores at probabilities 0, 1/bins, …, 1 (linear interpolation
// between order statistics, numpy's default), and a prompt goes to the strong
// model when its score is ≥ the threshold — except at the last threshold
// (the maximum score), where the comparison is strict, so that point has no
// strong calls (its Threshold is reported as +Inf). The first threshold (the
// minimum) sends every prompt to the strong model. Tied scores at a
// threshold all go the same way, so with many ties the shares are not the
// nominal ones, and duplicate thresholds give duplicate points.
//
// strong[i] and weak[i] are the two models' scores on prompt i, router[i]
// the router's score (higher = more reason to call the strong model).
func QuantileCurve(strong, weak, router []float64, bins int) (Curve, error) {
	if bins < 1 {
		return Curve{}, fmt.Errorf("eval: %d bins; want at least 1", bins)
	}
	r, err := newRanked(strong, weak, router)
	if err != nil {
		return Curve{}, err
	}
	asc := make([]float64, len(r.scores))
	for i, s := range r.scores {
		asc[len(asc)-1-i] = s
	}
	// numpy.linspace(0, 1, bins+1): i*step, with the last set to 1 exactly.
	step := 1 / float64(bins)
	points := make([]Point, 0, bins+1)
	for i := 0; i <= bins; i++ {
		p := float64(i) * step
		if i == bins {
			points = append(points, r.point(math.Inf(1), r.count(asc[len(asc)-1], true)))
			continue
		}
		t := quantile(asc, p)
		points = append(points, r.point(t, r.count(t, false)))
	}
	return r.curve(points), nil
}

// quantile returns the p-quantile of the ascending slice xs by linear
// interpolation between order statistics (numpy's "linear" method,
// Hyndman–Fan type 7), with numpy's two-sided lerp for accuracy.
func quantile(xs []float64, p float64) float64 {
	h := p * float64(len(xs)-1)
	lo := math.Floor(h)
	i := int(lo)
	if i >= len(xs)-1 {
		return xs[len(xs)-1]
	}
	t := h - lo
	a, b := xs[i], xs[i+1]
	if t >= 0.5 {
		return b - (b-a)*(1-t)
	}
	return a + (b-a)*t
}

// DecileCurve is QuantileCurve with 10 bins: RouteLLM's default, giving
// strong-call shares of about 0%, 10%, …, 100%.
func DecileCurve(strong, weak, router []float64) (Curve, error) {
	return QuantileCurve(strong, weak, router, 10)
}

// StepCurve evaluates a binary router at every distinct threshold: one
// point with no strong calls (Threshold +Inf), then one per distinct router
// score s, taken in decreasing order, sending every prompt with score ≥ s to
// the strong model. This is the router's exact curve. A group of tied scores
// moves from weak to strong at once; the straight segment the trapezoid rule
// draws across that jump is the expected quality of breaking the tie at
// random, so no tie is resolved by peeking at the labels.
func StepCurve(strong, weak, router []float64) (Curve, error) {
	r, err := newRanked(strong, weak, router)
	if err != nil {
		return Curve{}, err
	}
	points := []Point{r.point(math.Inf(1), 0)}
	for k := 0; k < len(r.scores); {
		s := r.scores[k]
		for k < len(r.scores) && r.scores[k] == s {
			k++
		}
		points = append(points, r.point(s, k))
	}
	return r.curve(points), nil
}

// APGR returns the area under the curve's PGR over the strong-call share by
// the trapezoid rule, divided by the span of shares covered (1 for every
// curve this package builds, which run from share 0 to share 1). This is
// RouteLLM's apgr_metric: (AUC − AUC_weak)/(AUC_strong − AUC_weak), with the
// AUCs taken by numpy.trapz over the same shares. NaN when the curve has
// fewer than two distinct shares.
func (c Curve) APGR() float64 {
	pts := c.Points
	if len(pts) < 2 {
		return math.NaN()
	}
	area := 0.0
	for i := 1; i < len(pts); i++ {
		area += (pts[i].StrongShare - pts[i-1].StrongShare) * (pts[i].PGR + pts[i-1].PGR) / 2
	}
	span := pts[len(pts)-1].StrongShare - pts[0].StrongShare
	if span == 0 {
		return math.NaN()
	}
	return area / span
}

// CPT returns the call-performance threshold: the smallest strong-call
// share at which the curve reaches the given PGR (0.5 for CPT(50%)),
// reading the curve as straight segments between its points (a segment is
// the expected result of mixing its two end points at random). It is NaN
// when the curve never reaches pgr. Where PGR rises with the share, as for
// any sensible router, this is what RouteLLM's pct_call_metric computes
// with numpy.interp.
func (c Curve) CPT(pgr float64) float64 {
	for i, p := range c.Points {
		if p.PGR >= pgr {
			if i == 0 {
				return p.StrongShare
			}
			prev := c.Points[i-1]
			if p.PGR == prev.PGR {
				return p.StrongShare
			}
			return prev.StrongShare + (pgr-prev.PGR)/(p.PGR-prev.PGR)*(p.StrongShare-prev.StrongShare)
		}
	}
	return math.NaN()
}

// At returns the PGR and quality of the curve at the given strong-call
// share by linear interpolation between its points (the last point with
// that share where several have it). NaN outside the curve's shares, and
// for a NaN share.
func (c Curve) At(share float64) (pgr, quality float64) {
	pts := c.Points
	if len(pts) == 0 || !(share >= pts[0].StrongShare && share <= pts[len(pts)-1].StrongShare) {
		return math.NaN(), math.NaN()
	}
	i := sort.Search(len(pts), func(i int) bool { return pts[i].StrongShare > share })
	if i == 0 || pts[i-1].StrongShare == share || i == len(pts) {
		p := pts[i-1]
		return p.PGR, p.Quality
	}
	a, b := pts[i-1], pts[i]
	f := (share - a.StrongShare) / (b.StrongShare - a.StrongShare)
	return a.PGR + f*(b.PGR-a.PGR), a.Quality + f*(b.Quality-a.Quality)
}

// APGR returns a binary router's APGR as RouteLLM reports it: the area
// under PGR over the 11 decile points of DecileCurve. See StepAPGR for the
// exact curve.
func APGR(strong, weak, router []float64) (float64, error) {
	c, err := DecileCurve(strong, weak, router)
	if err != nil {
		return math.NaN(), err
	}
	return c.APGR(), nil
}

// StepAPGR returns the APGR of the router's exact curve (StepCurve).
func StepAPGR(strong, weak, router []float64) (float64, error) {
	c, err := StepCurve(strong, weak, router)
	if err != nil {
		return math.NaN(), err
	}
	return c.APGR(), nil
}

// BinaryReport gathers the binary metrics of one router.
type BinaryReport struct {
	N                          int
	WeakQuality, StrongQuality float64
	// Deciles is RouteLLM's 11-point curve, Step the exact one.
	Deciles, Step Curve
	// APGR is RouteLLM's (deciles), StepAPGR the exact curve's.
	APGR, StepAPGR float64
	// CPT50 and CPT80 are the strong-call shares reaching PGR 50% and 80%
	// on the decile curve (as RouteLLM reports them); StepCPT50/80 on the
	// exact curve. NaN when not reached.
	CPT50, CPT80, StepCPT50, StepCPT80 float64
}

// EvaluateBinary computes every binary metric of a router at once.
func EvaluateBinary(strong, weak, router []float64) (BinaryReport, error) {
	dec, err := DecileCurve(strong, weak, router)
	if err != nil {
		return BinaryReport{}, err
	}
	step, err := StepCurve(strong, weak, router)
	if err != nil {
		return BinaryReport{}, err
	}
	return BinaryReport{
		N: len(strong), WeakQuality: dec.WeakQuality, StrongQuality: dec.StrongQuality,
		Deciles: dec, Step: step,
		APGR: dec.APGR(), StepAPGR: step.APGR(),
		CPT50: dec.CPT(0.5), CPT80: dec.CPT(0.8),
		StepCPT50: step.CPT(0.5), StepCPT80: step.CPT(0.8),
	}, nil
}

// DecileShares returns 0, 0.1, …, 1: the nominal shares of RouteLLM's curve.
func DecileShares() []float64 {
	s := make([]float64, 11)
	for i := range s {
		s[i] = float64(i) / 10
	}
	return s
}

// RandomCurve returns the expected curve of a router that sends each prompt
// to the strong model with probability s, at each of shares (DecileShares
// when nil): quality q_weak + s·(q_strong − q_weak), so PGR = s and the APGR
// is exactly 0.5. Threshold is NaN.
func RandomCurve(strong, weak []float64, shares []float64) (Curve, error) {
	qs, qw, err := checkPair(strong, weak)
	if err != nil {
		return Curve{}, err
	}
	if shares == nil {
		shares = DecileShares()
	}
	if err := checkShares(shares); err != nil {
		return Curve{}, err
	}
	pts := make([]Point, len(shares))
	for i, s := range shares {
		pts[i] = Point{Threshold: math.NaN(), StrongShare: s, Quality: qw + s*(qs-qw), PGR: s}
	}
	return Curve{Points: pts, WeakQuality: qw, StrongQuality: qs}, nil
}

func checkShares(shares []float64) error {
	for i, s := range shares {
		if !(s >= 0 && s <= 1) {
			return fmt.Errorf("eval: share[%d] = %v outside [0,1]", i, s)
		}
		if i > 0 && s < shares[i-1] {
			return fmt.Errorf("eval: shares not ascending at %d", i)
		}
	}
	return nil
}

// RandomScores returns n router scores drawn uniformly from [0,1) by a
// generator seeded with seed: a random router (ties have probability ~0).
// A negative n panics naming it.
func RandomScores(n int, seed uint64) []float64 {
	if n < 0 {
		panic(fmt.Sprintf("eval: RandomScores(%d): n is negative", n))
	}
	rng := rand.New(rand.NewPCG(seed, 0x853c49e6748fea9b))
	s := make([]float64, n)
	for i := range s {
		s[i] = rng.Float64()
	}
	return s
}

// SimulatedRandomAPGR averages RouteLLM's decile APGR over draws random
// routers (RandomScores seeded seed, seed+1, …) and returns the mean and
// the standard deviation across draws. The mean tends to 0.5.
func SimulatedRandomAPGR(strong, weak []float64, draws int, seed uint64) (meanAPGR, sd float64, err error) {
	if draws < 1 {
		return math.NaN(), math.NaN(), fmt.Errorf("eval: %d draws; want at least 1", draws)
	}
	vals := make([]float64, draws)
	for d := range vals {
		a, err := APGR(strong, weak, RandomScores(len(strong), seed+uint64(d)))
		if err != nil {
			return math.NaN(), math.NaN(), err
		}
		vals[d] = a
	}
	m := mean(vals)
	v := 0.0
	for _, x := range vals {
		v += (x - m) * (x - m)
	}
	if draws > 1 {
		v /= float64(draws - 1)
	}
	return m, math.Sqrt(v), nil
}

// OracleScores returns the router scores of an oracle: strong − weak per
// prompt, so it calls the strong model first where the strong model beats
// the weak one by the most, and (at threshold > 0) only there. Fed to
// StepCurve it gives the oracle's exact curve; its many ties make the
// decile curve coarse, so prefer OracleCurve for a comparison at fixed shares.
func OracleScores(strong, weak []float64) ([]float64, error) {
	if _, _, err := checkPair(strong, weak); err != nil && !errors.Is(err, ErrNoGap) {
		return nil, err
	}
	out := make([]float64, len(strong))
	for i := range out {
		out[i] = strong[i] - weak[i]
	}
	return out, nil
}

// OracleCurve returns the best quality reachable with at most s·n strong
// calls at each share s of shares: the weak model everywhere, plus the
// largest positive gains strong − weak, a fractional call counting for its
// fraction of the next gain (RouteLLM's get_optimal_accuracy does the same
// for 0/1 scores). Beyond the share where strong beats weak the curve is
// flat, with PGR ≥ 1. When shares is nil the curve's exact break points
// are used (k/n for each positive gain, then 1), so its APGR is exact.
// Threshold is NaN.
func OracleCurve(strong, weak []float64, shares []float64) (Curve, error) {
	qs, qw, err := checkPair(strong, weak)
	if err != nil {
		return Curve{}, err
	}
	n := len(strong)
	var gains []float64
	for i := range strong {
		if g := strong[i] - weak[i]; g > 0 {
			gains = append(gains, g)
		}
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(gains)))
	cum := make([]float64, len(gains)+1)
	for i, g := range gains {
		cum[i+1] = cum[i] + g
	}
	if shares == nil {
		for k := 0; k <= len(gains); k++ {
			shares = append(shares, float64(k)/float64(n))
		}
		if len(gains) < n {
			shares = append(shares, 1)
		}
	} else if err := checkShares(shares); err != nil {
		return Curve{}, err
	}
	sumWeak := qw * float64(n)
	pts := make([]Point, len(shares))
	for i, s := range shares {
		b := s * float64(n)
		k := int(math.Floor(b))
		var gain float64
		if k >= len(gains) {
			gain = cum[len(gains)]
		} else {
			gain = cum[k] + (b-float64(k))*gains[k]
		}
		q := (sumWeak + gain) / float64(n)
		pts[i] = Point{Threshold: math.NaN(), StrongShare: s, Quality: q, PGR: (q - qw) / (qs - qw)}
	}
	return Curve{Points: pts, WeakQuality: qw, StrongQuality: qs}, nil
}

// LengthScores returns the prompt-length baseline router: each prompt's
// length in characters (Unicode code points), longer prompts going to the
// strong model first.
func LengthScores(prompts []string) []float64 {
	out := make([]float64, len(prompts))
	for i, p := range prompts {
		out[i] = float64(utf8.RuneCountInString(p))
	}
	return out
}
