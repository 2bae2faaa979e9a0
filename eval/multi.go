package eval

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/llmrouter/llmrouter/dataset"
)

// Matrix holds the realised outcomes of N models on the same prompts, row
// by row: Scores[i][m] and Costs[i][m] are model Models[m]'s score and USD
// cost on prompt i. A Matrix is read-only once built; it is safe for
// concurrent reads.
type Matrix struct {
	Models []string
	Scores [][]float64
	Costs  [][]float64
}

// NewMatrix builds a Matrix of the given models (ds.Models() when nil)
// from a dataset. Every record must have an outcome with a cost for every
// model; the error names the first record that has not.
func NewMatrix(ds *dataset.Dataset, models []string) (Matrix, error) {
	if ds == nil || ds.Len() == 0 {
		return Matrix{}, errors.New("eval: empty dataset")
	}
	if models == nil {
		models = ds.Models()
	}
	if len(models) == 0 {
		return Matrix{}, errors.New("eval: no models")
	}
	m := Matrix{Models: append([]string(nil), models...), Scores: make([][]float64, ds.Len()), Costs: make([][]float64, ds.Len())}
	for i, r := range ds.Records {
		m.Scores[i] = make([]float64, len(models))
		m.Costs[i] = make([]float64, len(models))
		for j, name := range models {
			o, ok := r.Outcomes[name]
			if !ok {
				return Matrix{}, fmt.Errorf("eval: record %q (line %d) has no outcome for model %q", r.ID, r.Line, name)
			}
			c, ok := o.CostValue()
			if !ok {
				return Matrix{}, fmt.Errorf("eval: record %q (line %d) has no cost for model %q", r.ID, r.Line, name)
			}
			m.Scores[i][j], m.Costs[i][j] = o.Score, c
		}
	}
	return m, nil
}

// check validates the matrix's shape and values.
func (m Matrix) check() error {
	if len(m.Models) == 0 {
		return errors.New("eval: matrix has no models")
	}
	if len(m.Scores) == 0 {
		return errors.New("eval: matrix has no prompts")
	}
	if len(m.Costs) != len(m.Scores) {
		return fmt.Errorf("eval: %d score rows but %d cost rows", len(m.Scores), len(m.Costs))
	}
	for i := range m.Scores {
		if len(m.Scores[i]) != len(m.Models) || len(m.Costs[i]) != len(m.Models) {
			return fmt.Errorf("eval: row %d has %d scores and %d costs for %d models", i, len(m.Scores[i]), len(m.Costs[i]), len(m.Models))
		}
		for j := range m.Models {
			if s := m.Scores[i][j]; math.IsNaN(s) || math.IsInf(s, 0) {
				return fmt.Errorf("eval: score of %s on row %d is %v", m.Models[j], i, s)
			}
			if c := m.Costs[i][j]; math.IsNaN(c) || math.IsInf(c, 0) || c < 0 {
				return fmt.Errorf("eval: cost of %s on row %d is %v", m.Models[j], i, c)
			}
		}
	}
	return nil
}

// MeanCosts returns each model's mean realised cost: what a router trained
// on this matrix would use as the models' decision costs.
func (m Matrix) MeanCosts() []float64 { return columnMeans(m.Costs, len(m.Models)) }

// MeanScores returns each model's mean realised score.
func (m Matrix) MeanScores() []float64 { return columnMeans(m.Scores, len(m.Models)) }

// columnMeans returns the mean of each of the n columns of rows.
func columnMeans(rows [][]float64, n int) []float64 {
	out := make([]float64, n)
	for _, row := range rows {
		for j, v := range row {
			out[j] += v
		}
	}
	for j := range out {
		out[j] /= float64(len(rows))
	}
	return out
}

// CQPoint is one point of a cost-quality curve: routing the prompts of a
// matrix somehow yields mean realised cost Cost (USD per prompt) and mean
// realised score Quality.
type CQPoint struct {
	// Label names the point: a model for a single-model point, "oracle",
	// or "" for a router operating point.
	Label string
	// Lambda is the cost weight of a router operating point (NaN otherwise).
	Lambda        float64
	Cost, Quality float64
	// Share[m] is the fraction of prompts sent to model m (nil for hull
	// interpolations).
	Share []float64
}

// SingleModelPoints returns the point of every model of m used alone.
func SingleModelPoints(m Matrix) ([]CQPoint, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	cost, qual := m.MeanCosts(), m.MeanScores()
	out := make([]CQPoint, len(m.Models))
	for j, name := range m.Models {
		share := make([]float64, len(m.Models))
		share[j] = 1
		out[j] = CQPoint{Label: name, Lambda: math.NaN(), Cost: cost[j], Quality: qual[j], Share: share}
	}
	return out, nil
}

// BestModel returns the single model of highest mean quality (the cheaper
// one on a tie, then the first). It panics when singles is empty.
func BestModel(singles []CQPoint) CQPoint {
	if len(singles) == 0 {
		panic("eval: BestModel of no points")
	}
	best := singles[0]
	for _, p := range singles[1:] {
		if p.Quality > best.Quality || (p.Quality == best.Quality && p.Cost < best.Cost) {
			best = p
		}
	}
	return best
}

// OraclePoint returns the point of the per-prompt oracle: on each prompt,
// the model with the best realised score, the one with the lowest realised
// cost on that prompt among ties (then the first).
func OraclePoint(m Matrix) (CQPoint, error) {
	if err := m.check(); err != nil {
		return CQPoint{}, err
	}
	p := CQPoint{Label: "oracle", Lambda: math.NaN(), Share: make([]float64, len(m.Models))}
	for i := range m.Scores {
		best := 0
		for j := 1; j < len(m.Models); j++ {
			s, c := m.Scores[i][j], m.Costs[i][j]
			if s > m.Scores[i][best] || (s == m.Scores[i][best] && c < m.Costs[i][best]) {
				best = j
			}
		}
		p.Cost += m.Costs[i][best]
		p.Quality += m.Scores[i][best]
		p.Share[best]++
	}
	n := float64(len(m.Scores))
	p.Cost /= n
	p.Quality /= n
	for j := range p.Share {
		p.Share[j] /= n
	}
	return p, nil
}

// DefaultLambdaSteps is the number of geometrically spaced λ values that
// DefaultLambdas returns besides λ = 0.
const DefaultLambdaSteps = 200

// DefaultLambdas returns λ = 0 followed by steps (DefaultLambdaSteps when
// ≤ 0) values spaced geometrically from hi·1e-6 to hi, where hi is twice
// the range of the predictions divided by the smallest gap between the
// cheapest decision cost and another one — large enough that the last λ
// sends every prompt to the cheapest model.
func DefaultLambdas(predicted [][]float64, decisionCost []float64, steps int) []float64 {
	if steps <= 0 {
		steps = DefaultLambdaSteps
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, row := range predicted {
		for _, p := range row {
			lo, hi = math.Min(lo, p), math.Max(hi, p)
		}
	}
	predRange := hi - lo
	if !(predRange > 0) {
		predRange = 1
	}
	cmin := math.Inf(1)
	for _, c := range decisionCost {
		cmin = math.Min(cmin, c)
	}
	gap := math.Inf(1)
	for _, c := range decisionCost {
		if c > cmin {
			gap = math.Min(gap, c-cmin)
		}
	}
	if math.IsInf(gap, 1) { // every model costs the same: λ does nothing
		return []float64{0}
	}
	top := 2 * predRange / gap
	bottom := top * 1e-6
	out := []float64{0}
	for k := 0; k < steps; k++ {
		f := 0.0
		if steps > 1 {
			f = float64(k) / float64(steps-1)
		}
		out = append(out, bottom*math.Pow(top/bottom, f))
	}
	return out
}

// Choose returns, for one prompt, the model maximising predicted quality −
// λ·cost; on a tie the one with the lower decision cost, then the first.
// It panics, naming them, when predicted is empty or decisionCost shorter.
func Choose(predicted []float64, decisionCost []float64, lambda float64) int {
	switch {
	case len(predicted) == 0:
		panic("eval: Choose: no predictions")
	case len(decisionCost) < len(predicted):
		panic(fmt.Sprintf("eval: Choose: %d predictions but %d decision costs", len(predicted), len(decisionCost)))
	}
	best, bestU := 0, predicted[0]-lambda*decisionCost[0]
	for j := 1; j < len(predicted); j++ {
		u := predicted[j] - lambda*decisionCost[j]
		if u > bestU || (u == bestU && decisionCost[j] < decisionCost[best]) {
			best, bestU = j, u
		}
	}
	return best
}

// SweepLambda routes every prompt of m by "predicted quality − λ·cost" for
// each λ of lambdas (DefaultLambdas when nil) and returns one point per λ,
// in the order of lambdas. predicted[i][j] is the router's predicted quality
// of model j on prompt i; decisionCost[j] is model j's cost as the router
// knows it (its mean cost on training data). The decision uses
// decisionCost; the point's Cost is the mean of the realised costs
// m.Costs[i][chosen], its Quality the mean realised score.
func SweepLambda(predicted [][]float64, decisionCost []float64, m Matrix, lambdas []float64) ([]CQPoint, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	if err := checkPredictions(predicted, decisionCost, m); err != nil {
		return nil, err
	}
	if lambdas == nil {
		lambdas = DefaultLambdas(predicted, decisionCost, 0)
	}
	n := float64(len(m.Scores))
	out := make([]CQPoint, 0, len(lambdas))
	for _, lam := range lambdas {
		if math.IsNaN(lam) || lam < 0 {
			return nil, fmt.Errorf("eval: λ = %v; want a number ≥ 0", lam)
		}
		p := CQPoint{Lambda: lam, Share: make([]float64, len(m.Models))}
		for i := range predicted {
			j := Choose(predicted[i], decisionCost, lam)
			p.Cost += m.Costs[i][j]
			p.Quality += m.Scores[i][j]
			p.Share[j]++
		}
		p.Cost /= n
		p.Quality /= n
		for j := range p.Share {
			p.Share[j] /= n
		}
		out = append(out, p)
	}
	return out, nil
}

func checkPredictions(predicted [][]float64, decisionCost []float64, m Matrix) error {
	if len(predicted) != len(m.Scores) {
		return fmt.Errorf("eval: %d prediction rows for %d prompts", len(predicted), len(m.Scores))
	}
	if len(decisionCost) != len(m.Models) {
		return fmt.Errorf("eval: %d decision costs for %d models", len(decisionCost), len(m.Models))
	}
	for j, c := range decisionCost {
		if math.IsNaN(c) || math.IsInf(c, 0) || c < 0 {
			return fmt.Errorf("eval: decision cost of %s is %v", m.Models[j], c)
		}
	}
	for i, row := range predicted {
		if len(row) != len(m.Models) {
			return fmt.Errorf("eval: prediction row %d has %d values for %d models", i, len(row), len(m.Models))
		}
		if err := checkFinite(fmt.Sprintf("predicted[%d]", i), row); err != nil {
			return err
		}
	}
	return nil
}

// ParetoFront returns the points no other point dominates (costs no more
// and scores at least as well, one of them strictly), sorted by cost; of
// identical points the first is kept. Both cost and quality increase
// strictly along the front.
func ParetoFront(points []CQPoint) []CQPoint {
	ps := append([]CQPoint(nil), points...)
	sort.SliceStable(ps, func(a, b int) bool {
		if ps[a].Cost != ps[b].Cost {
			return ps[a].Cost < ps[b].Cost
		}
		return ps[a].Quality > ps[b].Quality
	})
	var front []CQPoint
	for _, p := range ps {
		if len(front) == 0 || p.Quality > front[len(front)-1].Quality {
			if len(front) > 0 && p.Cost == front[len(front)-1].Cost {
				continue
			}
			front = append(front, p)
		}
	}
	return front
}

// UpperHull returns the upper-left convex hull of the points: the vertices
// of the concave, increasing curve from the cheapest point to the best one
// that lies on or above every point. Any point on a hull edge can be
// reached by sending each prompt to one of the edge's two operating points
// at random in the right proportion.
func UpperHull(points []CQPoint) []CQPoint {
	front := ParetoFront(points)
	var hull []CQPoint
	for _, p := range front {
		for len(hull) >= 2 {
			a, b := hull[len(hull)-2], hull[len(hull)-1]
			// Drop b when it lies on or below the segment a→p.
			if (b.Cost-a.Cost)*(p.Quality-a.Quality)-(b.Quality-a.Quality)*(p.Cost-a.Cost) >= 0 {
				hull = hull[:len(hull)-1]
				continue
			}
			break
		}
		hull = append(hull, p)
	}
	return hull
}

// CostToReach returns the lowest Cost among points whose Quality is at
// least target, and false when none is.
func CostToReach(points []CQPoint, target float64) (float64, bool) {
	best, ok := math.Inf(1), false
	for _, p := range points {
		if p.Quality >= target && p.Cost < best {
			best, ok = p.Cost, true
		}
	}
	if !ok {
		return math.NaN(), false
	}
	return best, true
}

// HullCostToReach returns the lowest cost at which the upper hull of the
// points reaches quality target, interpolating along a hull edge (a random
// mix of two operating points), and false when the best point is below
// target.
func HullCostToReach(points []CQPoint, target float64) (float64, bool) {
	hull := UpperHull(points)
	for i, p := range hull {
		if p.Quality >= target {
			if i == 0 {
				return p.Cost, true
			}
			a := hull[i-1]
			return a.Cost + (target-a.Quality)/(p.Quality-a.Quality)*(p.Cost-a.Cost), true
		}
	}
	return math.NaN(), false
}

// MultiOptions configures EvaluateMulti. The zero value is useful.
type MultiOptions struct {
	// Lambdas to sweep; DefaultLambdas when nil.
	Lambdas []float64
	// Targets are the fractions of the best single model's quality to reach;
	// {0.95, 1} when nil.
	Targets []float64
}

// Reach is the cost needed to reach one quality target, as a fraction of
// the best single model's mean cost (NaN when not reached).
type Reach struct {
	// Target is a fraction of the best single model's quality (0.95 = 95%).
	Target float64
	// Router: the cheapest router operating point reaching it.
	Router float64
	// RouterHull: along the router's upper hull (mixing two operating points).
	RouterHull float64
	// Mix: along the upper hull of the single models (a random mix of two models).
	Mix float64
	// Oracle: the oracle's cost when it reaches the target.
	Oracle float64
}

// MultiReport is the evaluation of an N-model router.
type MultiReport struct {
	Models []string
	// Curve holds the router's points, one per λ; Hull and Pareto its upper
	// hull and Pareto front.
	Curve, Hull, Pareto []CQPoint
	// Singles are the single models, Best the best of them, MixHull the
	// upper hull of the single models (random mixes of two models).
	Singles []CQPoint
	Best    CQPoint
	MixHull []CQPoint
	Oracle  CQPoint
	Reach   []Reach
}

// EvaluateMulti evaluates an N-model router given its predicted quality of
// every model on every prompt and the models' decision costs (see
// SweepLambda), with the baselines: every single model, random mixes of two
// single models, and the oracle.
func EvaluateMulti(predicted [][]float64, decisionCost []float64, m Matrix, opts MultiOptions) (MultiReport, error) {
	curve, err := SweepLambda(predicted, decisionCost, m, opts.Lambdas)
	if err != nil {
		return MultiReport{}, err
	}
	singles, err := SingleModelPoints(m)
	if err != nil {
		return MultiReport{}, err
	}
	oracle, err := OraclePoint(m)
	if err != nil {
		return MultiReport{}, err
	}
	r := MultiReport{
		Models: m.Models, Curve: curve, Hull: UpperHull(curve), Pareto: ParetoFront(curve),
		Singles: singles, Best: BestModel(singles), MixHull: UpperHull(singles), Oracle: oracle,
	}
	targets := opts.Targets
	if targets == nil {
		targets = []float64{0.95, 1}
	}
	frac := func(c float64, ok bool) float64 {
		if !ok || r.Best.Cost == 0 {
			return math.NaN()
		}
		return c / r.Best.Cost
	}
	for _, t := range targets {
		q := t * r.Best.Quality
		rr := Reach{Target: t}
		rr.Router = frac(CostToReach(curve, q))
		rr.RouterHull = frac(HullCostToReach(curve, q))
		rr.Mix = frac(HullCostToReach(singles, q))
		rr.Oracle = frac(CostToReach([]CQPoint{oracle}, q))
		r.Reach = append(r.Reach, rr)
	}
	return r, nil
}
