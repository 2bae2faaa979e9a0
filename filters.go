package llmrouter

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// capabilityFilter removes models lacking a capability the request needs:
// vision for images, tools for tool definitions or tool calls in the
// conversation, JSON mode when asked. Streaming is not required: a model
// without it still answers, in one chunk.
type capabilityFilter struct{}

// Apply implements Policy.
func (capabilityFilter) Apply(r *Routing) error {
	var need Capabilities
	if r.Features.Images > 0 {
		need |= Vision
	}
	if r.Features.Tools > 0 || r.Features.ToolCalls > 0 {
		need |= Tools
	}
	if r.Features.JSONMode {
		need |= JSONMode
	}
	if need == 0 {
		return nil
	}
	for i, m := range r.Models {
		if missing := need &^ m.Capabilities; missing != 0 {
			r.Remove(i, "lacks "+missing.String()+" (set ModelCard.Capabilities to include "+capNames(missing)+")")
		}
	}
	return nil
}

// capNames spells c as Go code: "llmrouter.Vision|llmrouter.Tools".
func capNames(c Capabilities) string {
	var parts []string
	for _, n := range [...]struct {
		c    Capabilities
		name string
	}{{Vision, "Vision"}, {Tools, "Tools"}, {JSONMode, "JSONMode"}, {Streaming, "Streaming"}} {
		if c.Has(n.c) {
			parts = append(parts, "llmrouter."+n.name)
		}
	}
	return strings.Join(parts, "|")
}

// contextWindowFilter removes models whose context window cannot hold the
// estimated prompt plus the completion: the caller's MaxTokens, or
// Reserve when unset. Models with an unknown window (0) stay.
type contextWindowFilter struct {
	// Reserve is the completion room needed when the caller set no
	// MaxTokens; 0 means DefaultExpectedOutputTokens.
	Reserve int
}

// Apply implements Policy.
func (p contextWindowFilter) Apply(r *Routing) error {
	out := r.Features.MaxTokens
	if out <= 0 {
		out = p.Reserve
		if out <= 0 {
			out = DefaultExpectedOutputTokens
		}
	}
	need := r.Features.Tokens + out
	if need < out { // overflowed: a crafted MaxTokens near math.MaxInt fits no window
		need = math.MaxInt
	}
	for i, m := range r.Models {
		if m.ContextWindow > 0 && need > m.ContextWindow {
			r.Remove(i, "context window "+strconv.Itoa(m.ContextWindow)+" < "+strconv.Itoa(need)+" tokens needed")
		}
	}
	return nil
}

// budgetFilter removes models whose estimated cost exceeds the request's
// Hints.MaxCost. No limit set, no effect. The estimate is the candidate's
// Cost: the analyzed input tokens and the caller's MaxTokens, or
// DefaultExpectedOutputTokens. During the call the router holds every
// attempt to the same figure: an attempt starts only when the remaining
// budget pays at least this estimate (see Hints.MaxCost).
type budgetFilter struct{}

// Apply implements Policy.
func (budgetFilter) Apply(r *Routing) error {
	if r.Hints.MaxCost <= 0 {
		return nil
	}
	for i := range r.Candidates {
		if c := r.Candidates[i].Cost; c > r.Hints.MaxCost {
			r.Remove(i, fmt.Sprintf("estimated cost $%.6f > limit $%.6f", c, r.Hints.MaxCost))
		}
	}
	return nil
}

// latencyFilter removes models whose expected latency (Candidate.Latency,
// else the card's TypicalLatency) exceeds the request's
// Hints.LatencyBudget. No budget, or an unknown latency, no effect.
type latencyFilter struct{}

// Apply implements Policy.
func (latencyFilter) Apply(r *Routing) error {
	if r.Hints.LatencyBudget <= 0 {
		return nil
	}
	for i, m := range r.Models {
		lat, what := r.Candidates[i].Latency, "expected latency "
		if lat <= 0 {
			lat, what = m.TypicalLatency, "typical latency "
		} else if lat == m.TypicalLatency {
			what = "typical latency " // the card's figure: the wording users know
		}
		if lat > r.Hints.LatencyBudget {
			r.Remove(i, what+lat.String()+" > budget "+r.Hints.LatencyBudget.String())
		}
	}
	return nil
}

// TierFilter restricts each user tier to a set of models. The tier comes
// from Hints.Tier, or Default when the request names none. A request whose
// tier is missing from Tiers gets no model ("tier … is not configured"),
// so that a misspelt tier never grants access, unless Lenient is set.
//
// Combine it with the built-in filters and a selection rule as
// DefaultPolicy(TierFilter{…}, CheapestAdequate{}).
//
// The zero value lets requests that name no tier use every model and gives
// a request naming a tier no model. Apply only reads the filter: it is safe
// for concurrent use while Tiers is not modified.
type TierFilter struct {
	// Tiers maps a tier name to the model names it may use.
	Tiers map[string][]string
	// Default is the tier of requests that name none; "" means such
	// requests are unrestricted.
	Default string
	// Lenient lets a request whose tier is missing from Tiers use every
	// model.
	Lenient bool
}

// Apply implements Policy.
func (p TierFilter) Apply(r *Routing) error {
	tier := r.Hints.Tier
	if tier == "" {
		tier = p.Default
	}
	if tier == "" {
		return nil
	}
	allowed, ok := p.Tiers[tier]
	if !ok {
		if !p.Lenient {
			for i := range r.Models {
				r.Remove(i, "tier "+strconv.Quote(tier)+" is not configured")
			}
		}
		return nil
	}
	for i, m := range r.Models {
		if !slices.Contains(allowed, m.Name) {
			r.Remove(i, "not allowed on tier "+strconv.Quote(tier))
		}
	}
	return nil
}

// Validate reports tiers that name unknown models, and a Default tier
// missing from Tiers.
func (p TierFilter) Validate(models []ModelCard) error {
	tiers := make([]string, 0, len(p.Tiers))
	for tier := range p.Tiers {
		tiers = append(tiers, tier)
	}
	slices.Sort(tiers)
	for _, tier := range tiers {
		for _, n := range p.Tiers[tier] {
			if indexOfModel(models, n) < 0 {
				return fmt.Errorf("llmrouter: tier filter: tier %q names unknown model %q", tier, n)
			}
		}
	}
	if _, ok := p.Tiers[p.Default]; p.Default != "" && !ok && !p.Lenient {
		return fmt.Errorf("llmrouter: tier filter: default tier %q is not in Tiers", p.Default)
	}
	return nil
}

func indexOfModel(models []ModelCard, name string) int {
	for i, m := range models {
		if m.Name == name {
			return i
		}
	}
	return -1
}
