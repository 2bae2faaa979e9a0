package llmrouter

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/llmrouter/llmrouter/internal/linear"
)

// DefaultExpectedOutputTokens is the completion length the router assumes
// when estimating a request's cost and the caller set no MaxTokens.
const DefaultExpectedOutputTokens = 256

// Candidate is one model as the policy sees it for one request.
type Candidate struct {
	// Model is the card name; Index its position among the router's models.
	Model string
	Index int
	// Quality is the predicted quality (after mapping any difficulty onto
	// the card); Cost the estimated USD cost of this request on the model.
	Quality float64
	Cost    float64
	// Latency is the expected time to a complete answer on the model: the
	// card's TypicalLatency, unless a policy applied before the built-in
	// filters replaced it with an observed figure (latency.Tracker does);
	// 0 unknown. The latency filter and latency-aware rules read it.
	Latency time.Duration
	// Removed says why a filter removed the model; empty while it remains.
	Removed string
}

// Step is one attempt of a plan, the ordered list of models to try (the
// first is the choice, the rest are fallbacks and escalations in order):
// which model (its name and index in the router's models), and why it is
// there.
type Step struct {
	Model  string
	Index  int
	Reason string
}

// Routing is the state a Policy reads and refines for one request: the
// features, the prediction, the hints, and one Candidate per model. Filters
// remove candidates (Remove); selection rules write the Plan.
type Routing struct {
	Features   *Features
	Prediction *Prediction
	Hints      Hints
	Models     []ModelCard
	Candidates []Candidate
	Plan       []Step
	// Now is the decision time, from the router's clock.
	Now time.Time
	// DecisionID is the id the decision will carry, so that a learning
	// policy can key what it saw to feedback that arrives later.
	DecisionID string
	// Propensity is what a randomised policy sets: the probability with
	// which it chose Plan[0] given what it knew. The router copies it to
	// Decision.Propensity, for off-policy replay. 0 (default): not stated,
	// a deterministic choice.
	Propensity float64
}

// Remove takes candidate i out with a reason; a removed candidate stays
// removed (the first reason is kept).
func (r *Routing) Remove(i int, reason string) {
	if r.Candidates[i].Removed == "" {
		r.Candidates[i].Removed = reason
	}
}

// Remaining reports how many candidates have not been removed.
func (r *Routing) Remaining() int {
	n := 0
	for i := range r.Candidates {
		if r.Candidates[i].Removed == "" {
			n++
		}
	}
	return n
}

// Policy turns predictions into a plan. Implementations must be pure and
// deterministic given the Routing (time arrives in Routing.Now), so they can
// be table-tested, and safe for concurrent use. A filter removes candidates;
// a selection rule appends to r.Plan, considering only candidates not
// removed and not already planned.
//
// A policy that names models may also have a method
// Validate(models []ModelCard) error: New calls it with the router's
// models (through Chain too) and fails if it returns an error (TierFilter
// and Threshold have one).
//
// A value given to New as both the classifier and the policy that has a
// method Stages() (Classifier, Policy) is asked for them once per request,
// and that request runs the pair it returned (hotswap.Pair: a classifier
// and policy replaced together while requests run), StartCall hooks
// included: those of the returned policy, found as New finds them.
//
// A policy that acts around each call may also have a method
// StartCall(ctx context.Context, d *Decision, h Hints) (done func(*Decision), err error):
// GenerateContent (never Route, a dry run) calls it after routing and
// before the first attempt, with the hints as given (d.Hints.User may be
// redacted). It may set or lower d.Hints.MaxCost, to which plan execution
// then holds every attempt (see Hints.MaxCost), and an error refuses the
// call: GenerateContent returns it, and the decision, with Err set, still
// goes to the sinks. done, unless nil, receives the finished decision
// before the sinks, failed calls included. New finds such policies
// through Chain and DefaultPolicy (budget.Budget is one); a value that
// holds a policy New cannot see into (hotswap's holders) needs a StartCall
// of its own that calls its policy's (a Chain has one, running its
// policies' hooks).
type Policy interface {
	Apply(r *Routing) error
}

// PolicyFunc adapts a function to the Policy interface.
type PolicyFunc func(r *Routing) error

// Apply calls fn(r).
func (fn PolicyFunc) Apply(r *Routing) error { return fn(r) }

// Chain applies policies in order and stops at the first error. Filters
// usually come first and a selection rule last. If no policy wrote a plan,
// the router orders the remaining candidates by predicted quality. New
// fails, naming its place, on a policy that is nil or a nil pointer or
// func.
func Chain(policies ...Policy) Policy { return chain(policies) }

type chain []Policy

func (c chain) Apply(r *Routing) error {
	for _, p := range c {
		if err := p.Apply(r); err != nil {
			return err
		}
	}
	return nil
}

func (c chain) Validate(models []ModelCard) error {
	for _, p := range c {
		if v, ok := p.(modelValidator); ok {
			if err := v.Validate(models); err != nil {
				return err
			}
		}
	}
	return nil
}

// DefaultPolicy returns the built-in filters, then rules in order
// (CheapestAdequate{} when there are none). DefaultPolicy() is the policy
// New uses unless told otherwise; DefaultPolicy(TierFilter{…},
// Threshold{…}) adds a filter of your own and picks another selection rule.
// Filters only remove candidates, so their order does not matter; end rules
// with a selection rule (a plan left empty is ranked by predicted quality,
// best first). The built-in filters remove, each with its reason:
//
//   - models lacking a capability the request needs: vision for images,
//     tools for tool definitions or tool calls in the conversation, JSON
//     mode when asked (streaming is not required: a model without it still
//     answers, in one chunk);
//   - models whose context window cannot hold the estimated prompt plus the
//     completion (the caller's MaxTokens, or DefaultExpectedOutputTokens);
//     an unknown window (0) stays;
//   - models whose estimated cost (Candidate.Cost) exceeds Hints.MaxCost;
//     during the call every attempt is held to the same estimate;
//   - models whose expected latency (Candidate.Latency: the card's
//     TypicalLatency, or an observed figure a policy applied before
//     DefaultPolicy wrote) exceeds Hints.LatencyBudget.
//
// The policy is stateless and safe for concurrent use.
func DefaultPolicy(rules ...Policy) Policy {
	if len(rules) == 0 {
		rules = []Policy{CheapestAdequate{}}
	}
	return Chain(append([]Policy{capabilityFilter{}, contextWindowFilter{}, budgetFilter{}, latencyFilter{}}, rules...)...)
}

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
		if r.Candidates[i].Removed != "" {
			continue
		}
		planned := false
		for _, s := range r.Plan {
			if s.Index == i {
				planned = true
				break
			}
		}
		if !planned {
			dst = append(dst, i)
		}
	}
	return dst
}

// Threshold routes between a strong and a weak model, as RouteLLM's
// routers do: the strong model when its predicted quality exceeds the weak
// model's by at least Cutoff, else the weak one; the other model follows as
// the fallback. If a filter removed one of them, the plan holds only the
// other. Other candidates are left for later policies.
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
	if r.Candidates[first].Removed == "" {
		r.Plan = append(r.Plan, Step{Model: r.Models[first].Name, Index: first, Reason: reason})
		reason = ReasonFallbackOther
	}
	if r.Candidates[second].Removed == "" {
		r.Plan = append(r.Plan, Step{Model: r.Models[second].Name, Index: second, Reason: reason})
	}
	return nil
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
