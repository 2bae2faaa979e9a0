package budget

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/llmrouter/llmrouter"
)

// Plan-step reasons Tradeoff writes.
const (
	ReasonTradeoff     = "highest predicted quality − λ·cost"
	ReasonNextTradeoff = "fallback: next highest predicted quality − λ·cost"
)

// Tradeoff is a selection rule that weighs quality against price: it
// plans the remaining models by predicted quality less λ times their
// estimated cost in USD (Candidate.Cost), highest first, ties to the
// cheaper. λ is in quality points per dollar: at λ = 100 a request that
// costs $0.001 more must be predicted 0.1 better. Where CheapestAdequate
// has a cliff at its threshold, Tradeoff pays for quality in proportion,
// and λ per tier lets free users weigh price heavily and paying users
// hardly at all. Stateless and safe for concurrent use.
type Tradeoff struct {
	// Lambda is λ for tiers not in Tiers (and requests naming none).
	// Default 0: the best predicted quality whatever the cost.
	Lambda float64
	// Tiers maps a tier (Hints.Tier) to its λ.
	Tiers map[string]float64
}

// Validate reports a λ that is negative or not finite.
func (p Tradeoff) Validate([]llmrouter.ModelCard) error {
	bad := func(l float64) bool { return !(l >= 0) || math.IsInf(l, 1) }
	if bad(p.Lambda) {
		return fmt.Errorf("budget: tradeoff: Lambda %v must be a finite, non-negative number", p.Lambda)
	}
	for tier, l := range p.Tiers {
		if bad(l) {
			return fmt.Errorf("budget: tradeoff: tier %q: λ %v must be a finite, non-negative number", tier, l)
		}
	}
	return nil
}

// Apply implements llmrouter.Policy.
func (p Tradeoff) Apply(r *llmrouter.Routing) error {
	lambda := p.Lambda
	if l, ok := p.Tiers[r.Hints.Tier]; ok {
		lambda = l
	}
	var buf [16]int
	idx := unplanned(r, buf[:0])
	c := r.Candidates
	score := func(i int) float64 {
		s := c[i].Quality - lambda*c[i].Cost
		if math.IsNaN(s) {
			return math.Inf(-1)
		}
		return s
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		if sa, sb := score(a), score(b); sa != sb {
			return cmp.Compare(sb, sa)
		}
		return cmp.Compare(c[a].Cost, c[b].Cost)
	})
	lam := " (λ " + strconv.FormatFloat(lambda, 'g', -1, 64) + ")"
	for k, i := range idx {
		reason := ReasonNextTradeoff
		if k == 0 {
			reason = ReasonTradeoff
		}
		r.Plan = append(r.Plan, llmrouter.Step{Model: c[i].Model, Index: i, Reason: reason + lam})
	}
	return nil
}

// unplanned appends to dst the candidates neither removed nor planned.
func unplanned(r *llmrouter.Routing, dst []int) []int {
	for i := range r.Candidates {
		if r.Candidates[i].Removed != "" {
			continue
		}
		if !slices.ContainsFunc(r.Plan, func(s llmrouter.Step) bool { return s.Index == i }) {
			dst = append(dst, i)
		}
	}
	return dst
}
