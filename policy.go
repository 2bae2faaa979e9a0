package llmrouter

import (
	"fmt"
	"slices"
	"time"

	"github.com/llmrouter/llmrouter/internal/nilcheck"
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
// there. A policy copies Model and Index from the Candidate it plans
// (Candidate.Model, Candidate.Index): a step whose two disagree, or that
// names a removed candidate, fails the request.
type Step struct {
	Model  string
	Index  int
	Reason string
}

// Routing is the state a Policy reads and refines for one request: the
// features, the prediction, the hints, and one Candidate per model. Filters
// remove candidates (Remove); selection rules write the Plan. It is valid
// only during the Apply call it is passed to: the router reuses it for
// later requests, so a policy must not keep it, or its slices, afterwards,
// nor use it from another goroutine (it is not safe for concurrent use).
type Routing struct {
	// Features and Prediction are this request's (the Decision keeps the
	// Prediction as the policy leaves it).
	Features   *Features
	Prediction *Prediction
	Hints      Hints
	// Models are the router's cards, in the order of its providers (a
	// Candidate's or Step's Index points here). The slice is the router's
	// own, shared by every request in flight: read it, never write or
	// reorder it (copy it first, as slices.Clone does, to sort it).
	Models []ModelCard
	// Candidates has one entry per model, in Models' order.
	Candidates []Candidate
	// Plan is what selection rules write: the models to try, in order.
	Plan []Step
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
// removed and not already planned. A plan naming a removed model fails
// the request (Route and GenerateContent return an error naming it and
// the reason it was removed; no model is called): a filter applied after
// the rule that planned the model must not be undone. So does a plan
// naming a model twice.
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
// come first and a selection rule last: a filter after the rule that
// planned a model it removes fails the request (see Policy). If no policy wrote a plan,
// the router orders the remaining candidates by predicted quality. New
// fails, naming its place, on a policy that is nil or a nil pointer or
// func. The chain keeps a copy of the list (reusing the slice afterwards
// does not change it) and is as safe for concurrent use as its policies.
func Chain(policies ...Policy) Policy { return chain(slices.Clone(policies)) }

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
// Filters only remove candidates, so their order among themselves does not
// matter; put them before selection rules (a plan naming a removed model
// fails the request, see Policy) and end rules with a selection rule (a plan left empty is ranked by predicted quality,
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
// A nil rule makes New fail, naming it by its place among rules. The
// policy is stateless and safe for concurrent use.
func DefaultPolicy(rules ...Policy) Policy {
	if len(rules) == 0 {
		rules = []Policy{CheapestAdequate{}}
	}
	c := []Policy{capabilityFilter{}, contextWindowFilter{}, budgetFilter{}, latencyFilter{}}
	for i, p := range rules {
		if p == nil || nilcheck.PointerOrFunc(p) {
			p = nilRule{i, p} // named by the caller's count, not the chain's
		}
		c = append(c, p)
	}
	return Chain(c...)
}

// nilRule stands for a nil rule given to DefaultPolicy: New refuses it
// (CheckModels), naming the rule as the caller counts them.
type nilRule struct {
	i int
	p Policy
}

func (n nilRule) err() error {
	if n.p == nil {
		return fmt.Errorf("llmrouter: DefaultPolicy: rule %d is nil", n.i)
	}
	return fmt.Errorf("llmrouter: DefaultPolicy: rule %d is a nil %T (did its constructor fail?)", n.i, n.p)
}

func (n nilRule) Apply(*Routing) error                 { return n.err() }
func (n nilRule) CheckModels(models []ModelCard) error { return n.err() }
