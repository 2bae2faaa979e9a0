package llmrouter

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/llmrouter/llmrouter/internal/linear"
)

// DefaultMinQuality is CheapestAdequate's threshold when none is set.
const DefaultMinQuality = 0.7

// Plan-step reasons written by the built-in selection rules.
const (
	ReasonCheapestAdequate = "cheapest model with predicted quality at or above the threshold"
	// ReasonStrengthAdequate is CheapestAdequate's reason for a first step
	// chosen for a strength (see Capabilities) the request calls for.
	ReasonStrengthAdequate = "cheapest adequate model with a strength the request calls for"
	ReasonBestAvailable    = "no model reaches the threshold: highest predicted quality"
	ReasonNextAdequate     = "fallback: next cheapest adequate model"
	ReasonStronger         = "fallback: next highest predicted quality"
	ReasonStrongAboveCut   = "threshold: predicted quality gap at or above the cutoff"
	ReasonWeakBelowCut     = "threshold: predicted quality gap below the cutoff"
	ReasonFallbackOther    = "fallback: the other model"
	ReasonByQuality        = "ranked by predicted quality"
)

// CheapestAdequate picks the cheapest remaining model whose predicted
// quality reaches MinQuality, or the highest-quality one if none does. The
// plan then lists the other adequate models, cheapest first, and then the
// rest by predicted quality, highest first: an outage falls back to the next
// cheapest that will do, a weak answer escalates upwards.
//
// Among adequate models, those whose card declares a strength the request
// calls for (Code, Math, Multilingual, LongContext; see Capabilities) come
// first, most matching strengths first, then cheapest: code goes to a code
// model when one is adequate. A strength is never required.
//
// The zero value is ready to use: τ = DefaultMinQuality, strengths first.
// Apply only reads the policy: it is safe for concurrent use.
type CheapestAdequate struct {
	// MinQuality is the threshold τ in [0,1]; 0 means DefaultMinQuality.
	MinQuality float64
	// IgnoreStrengths orders adequate models by cost alone. false
	// (default): strengths first, as above.
	IgnoreStrengths bool
}

// Validate reports a MinQuality outside [0,1] or NaN, which would route
// every request to the highest-quality model (or, negative, act as 0);
// New calls it.
func (p CheapestAdequate) Validate([]ModelCard) error {
	if !(p.MinQuality >= 0 && p.MinQuality <= 1) {
		return fmt.Errorf("llmrouter: CheapestAdequate: MinQuality %v is outside [0,1]", p.MinQuality)
	}
	return nil
}

// Apply implements Policy.
func (p CheapestAdequate) Apply(r *Routing) error {
	tau := p.MinQuality
	if tau <= 0 {
		tau = DefaultMinQuality
	}
	var buf [16]int
	idx := r.unplanned(buf[:0])
	if len(idx) == 0 {
		return nil
	}
	c := r.Candidates
	var sbuf [16]int
	score, strengths := sbuf[:0], false
	if !p.IgnoreStrengths {
		score, strengths = strengthScores(r, score)
	}
	// Adequate first, strongest fit then cheapest first; then the rest,
	// best first. Ties by quality, then by model order, so plans are
	// deterministic.
	slices.SortStableFunc(idx, func(a, b int) int {
		ca, cb := &c[a], &c[b]
		aa, ab := ca.Quality >= tau, cb.Quality >= tau
		switch {
		case aa != ab:
			if aa {
				return -1
			}
			return 1
		case aa && strengths && score[a] != score[b]:
			return cmp.Compare(score[b], score[a])
		case aa && ca.Cost != cb.Cost:
			return cmp.Compare(ca.Cost, cb.Cost)
		case ca.Quality != cb.Quality:
			return byQualityDesc(ca.Quality, cb.Quality)
		}
		return cmp.Compare(ca.Cost, cb.Cost)
	})
	for k, i := range idx {
		reason := ReasonStronger
		adequate := c[i].Quality >= tau
		switch {
		case k == 0 && adequate && strengths && score[i] > 0:
			reason = ReasonStrengthAdequate
		case k == 0 && adequate:
			reason = ReasonCheapestAdequate
		case k == 0:
			reason = ReasonBestAvailable
		case adequate:
			reason = ReasonNextAdequate
		}
		r.Plan = append(r.Plan, Step{Model: c[i].Model, Index: i, Reason: reason})
	}
	return nil
}

// byQualityDesc orders higher quality first and NaN last.
func byQualityDesc(a, b float64) int {
	switch {
	case math.IsNaN(a) && math.IsNaN(b):
		return 0
	case math.IsNaN(a):
		return 1
	case math.IsNaN(b):
		return -1
	}
	return cmp.Compare(b, a)
}

// unplanned appends to dst the indexes of candidates neither removed nor
// already in the plan.
func (r *Routing) unplanned(dst []int) []int {
	for i := range r.Candidates {
		if r.Candidates[i].Removed == "" && !r.planned(i) {
			dst = append(dst, i)
		}
	}
	return dst
}

// Threshold routes between a strong and a weak model, as RouteLLM's
// routers do: the strong model when its predicted quality exceeds the weak
// model's by at least Cutoff, else the weak one; the other model follows as
// the fallback. If a filter removed one of them, or an earlier rule
// planned it, it is not planned (again). Other candidates are left for
// later policies.
//
// Strong and Weak are required (New fails on a Threshold naming no model
// of the router, or the same one twice). Apply only reads the policy: it
// is safe for concurrent use.
type Threshold struct {
	// Strong and Weak name the two models of the router.
	Strong, Weak string
	// Cutoff on the gap Quality(strong) − Quality(weak): strong when the
	// gap is at least Cutoff, or unknown (NaN). 0 picks strong whenever it
	// is predicted at least as good; a negative cutoff also when it is
	// predicted worse by less than −Cutoff.
	// When both qualities come from a difficulty-only prediction (mapped
	// onto the cards, QualityForDifficulty) the gap falls again for the
	// hardest requests; there the gap is mirrored about its peak, so a
	// harder request never goes to the weaker model (the gap itself up to
	// the peak; calibrate.RouteScore computes the same score).
	Cutoff float64
}

// Validate reports unknown model names and a NaN Cutoff.
func (p Threshold) Validate(models []ModelCard) error {
	for _, n := range []string{p.Strong, p.Weak} {
		if indexOfModel(models, n) < 0 {
			return fmt.Errorf("llmrouter: threshold policy names unknown model %q", n)
		}
	}
	if p.Strong == p.Weak {
		return fmt.Errorf("llmrouter: threshold policy: strong and weak are both %q", p.Strong)
	}
	if math.IsNaN(p.Cutoff) { // gap >= NaN is never true: every request would go weak
		return fmt.Errorf("llmrouter: threshold policy: cutoff NaN")
	}
	return nil
}

// Apply implements Policy.
func (p Threshold) Apply(r *Routing) error {
	s, w := indexOfModel(r.Models, p.Strong), indexOfModel(r.Models, p.Weak)
	if s < 0 || w < 0 {
		return fmt.Errorf("llmrouter: threshold policy: unknown model %q or %q", p.Strong, p.Weak)
	}
	gap := r.Candidates[s].Quality - r.Candidates[w].Quality
	if pr := r.Prediction; pr != nil && pr.Difficulty == pr.Difficulty && s < len(pr.Quality) && w < len(pr.Quality) &&
		pr.Quality[s] != pr.Quality[s] && pr.Quality[w] != pr.Quality[w] {
		// Both qualities come from the difficulty: a gain that never falls as it rises.
		gap = linear.DifficultyGain(r.Candidates[s].Quality, r.Candidates[w].Quality)
	}
	first, second, reason := w, s, ReasonWeakBelowCut
	if gap >= p.Cutoff || math.IsNaN(gap) {
		first, second, reason = s, w, ReasonStrongAboveCut
	}
	if r.Candidates[first].Removed == "" && !r.planned(first) {
		r.Plan = append(r.Plan, Step{Model: r.Models[first].Name, Index: first, Reason: reason})
		reason = ReasonFallbackOther
	}
	if r.Candidates[second].Removed == "" && !r.planned(second) {
		r.Plan = append(r.Plan, Step{Model: r.Models[second].Name, Index: second, Reason: reason})
	}
	return nil
}

// planned reports whether candidate i has a step in the plan.
func (r *Routing) planned(i int) bool {
	for _, s := range r.Plan {
		if s.Index == i {
			return true
		}
	}
	return false
}

// rankByQuality appends the unplanned candidates to the plan, highest
// predicted quality first, ties cheapest first: the router's default when
// no policy wrote a plan.
func rankByQuality(r *Routing) {
	var buf [16]int
	idx := r.unplanned(buf[:0])
	c := r.Candidates
	slices.SortStableFunc(idx, func(a, b int) int {
		ca, cb := &c[a], &c[b]
		if ca.Quality != cb.Quality {
			return byQualityDesc(ca.Quality, cb.Quality)
		}
		return cmp.Compare(ca.Cost, cb.Cost)
	})
	for _, i := range idx {
		r.Plan = append(r.Plan, Step{Model: c[i].Model, Index: i, Reason: ReasonByQuality})
	}
}
