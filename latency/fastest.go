package latency

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/llmrouter/llmrouter"
)

// Plan-step reasons FastestAdequate writes.
const (
	ReasonFastestAdequate = "fastest model with predicted quality at or above the threshold"
	ReasonNextFastest     = "fallback: next fastest adequate model"
	ReasonBestAvailable   = "no model reaches the threshold: highest predicted quality"
	ReasonStronger        = "fallback: next highest predicted quality"
)

// FastestAdequate is CheapestAdequate for latency-critical calls: it
// picks the remaining model with the least expected latency
// (Candidate.Latency: observed, when a Tracker is applied first, else the
// card's TypicalLatency) whose predicted quality reaches MinQuality; ties
// go to the cheaper. The plan then lists the other adequate models,
// fastest first, then the rest by predicted quality. A model of unknown
// latency (0) counts as slower than any known. Stateless and safe for
// concurrent use.
type FastestAdequate struct {
	// MinQuality is the threshold in [0,1]; 0 means
	// llmrouter.DefaultMinQuality.
	MinQuality float64
}

// Validate reports a MinQuality outside [0,1] or NaN, which would route
// every request to the highest-quality model; llmrouter.New calls it.
func (p FastestAdequate) Validate([]llmrouter.ModelCard) error {
	if !(p.MinQuality >= 0 && p.MinQuality <= 1) {
		return fmt.Errorf("latency: FastestAdequate: MinQuality %v is outside [0,1]", p.MinQuality)
	}
	return nil
}

// Apply implements llmrouter.Policy.
func (p FastestAdequate) Apply(r *llmrouter.Routing) error {
	tau := p.MinQuality
	if tau <= 0 {
		tau = llmrouter.DefaultMinQuality
	}
	c := r.Candidates
	var buf [16]int
	idx := buf[:0]
	for i := range c {
		if c[i].Removed == "" && !slices.ContainsFunc(r.Plan, func(s llmrouter.Step) bool { return s.Index == i }) {
			idx = append(idx, i)
		}
	}
	lat := func(i int) int64 {
		if c[i].Latency <= 0 {
			return math.MaxInt64
		}
		return int64(c[i].Latency)
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		aa, ab := c[a].Quality >= tau, c[b].Quality >= tau
		switch {
		case aa != ab:
			if aa {
				return -1
			}
			return 1
		case aa && lat(a) != lat(b):
			return cmp.Compare(lat(a), lat(b))
		case aa && c[a].Cost != c[b].Cost:
			return cmp.Compare(c[a].Cost, c[b].Cost)
		case !aa && c[a].Quality != c[b].Quality:
			if math.IsNaN(c[a].Quality) {
				return 1
			}
			if math.IsNaN(c[b].Quality) {
				return -1
			}
			return cmp.Compare(c[b].Quality, c[a].Quality)
		}
		return cmp.Compare(c[a].Cost, c[b].Cost)
	})
	for k, i := range idx {
		adequate := c[i].Quality >= tau
		reason := ReasonStronger
		switch {
		case k == 0 && adequate:
			reason = ReasonFastestAdequate
		case k == 0:
			reason = ReasonBestAvailable
		case adequate:
			reason = ReasonNextFastest
		}
		r.Plan = append(r.Plan, llmrouter.Step{Model: c[i].Model, Index: i, Reason: reason})
	}
	return nil
}
