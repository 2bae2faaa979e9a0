package llmrouter

import (
	"fmt"
	"math"
	"sync"
)

// DefaultOutputCapTokens is the most output tokens the router asks for when
// it limits an attempt's output to stay within Hints.MaxCost and the card
// does not give MaxOutputTokens: every current chat model accepts it, where
// a larger max_tokens than a model allows fails the request.
const DefaultOutputCapTokens = 4096

// CostCap shows how a request's Hints.MaxCost held over its attempts.
type CostCap struct {
	// Max is the cap, Hints.MaxCost.
	Max float64
	// Reserved is the most committed at any moment: the cost spent so far
	// plus the reservations of the attempts running then. It never exceeds
	// Max.
	Reserved float64
	// Spent is the actual cost of every attempt together (Decision.Cost).
	Spent float64
}

// costCap enforces Hints.MaxCost over the attempts of one request: made
// by exec.run when there is a cap. Only the goroutine executing the plan
// reserves and settles; an attempt's goroutine reads its own output
// limit, under mu.
type costCap struct {
	pending hold // made by costReason, committed by reserveCost
	mu      sync.Mutex
	held    []hold // the running attempts' reservations
}

type hold struct {
	id        int32
	cost      float64
	maxTokens int // the output limit the router sets; 0 none
}

// costReason says why the remaining budget (cap − spent − reserved by
// running attempts) cannot pay for an attempt on step, or "" and keeps the
// attempt's reservation for reserveCost. running attempts are under way
// and left plan steps (this one included) may still start: when hedging,
// the output limit takes this attempt's share of the budget among those
// that may run at once, so that a hedge can still start beside it.
//
// Without a cap it returns "" inline, as reserveCost, settleCost and
// outputCap return: a call without Hints.MaxCost runs none of their code.
func (x *exec) costReason(step *Step, running, left int) string {
	if !(x.d.Hints.MaxCost > 0) {
		return ""
	}
	return x.capReason(step, running, left)
}

// capReason is costReason under a cap.
func (x *exec) capReason(step *Step, running, left int) string {
	limit := x.d.Hints.MaxCost
	x.d.CostCap.Max = limit
	card := &x.r.models[step.Index]
	in := x.d.Features.Tokens
	reserved := x.cost.reserved()
	remaining := limit - x.d.Cost - reserved
	h := hold{}
	switch {
	case x.caller.MaxTokens > 0:
		h.cost = card.Cost(in, x.caller.MaxTokens)
	case x.d.Hints.UncappedOutput || card.OutputPerMTok == 0:
		h.cost = card.Cost(in, DefaultExpectedOutputTokens) // the budget filter's estimate (DefaultPolicy)
	default:
		ceiling := card.MaxOutputTokens
		if ceiling <= 0 {
			ceiling = DefaultOutputCapTokens
		}
		slots := 1
		if x.fb.hedge.enabled() {
			slots = max(1, min(1+x.fb.hedge.MaxExtra-running, left))
		}
		// What this attempt's share pays for after input, but never less
		// than the estimate the budget filter admitted the model with.
		paid := (remaining/float64(slots)*1e6 - float64(in)*card.InputPerMTok) / card.OutputPerMTok
		n := DefaultExpectedOutputTokens
		if paid > float64(n) {
			n = int(min(math.Floor(paid+1e-6), float64(ceiling)))
		}
		h.maxTokens = min(n, ceiling)
		h.cost = card.Cost(in, h.maxTokens)
	}
	if h.cost > remaining+limit*1e-12 { // the tolerance absorbs summation rounding
		reason := fmt.Sprintf("over the cost limit: remaining $%.6f (max $%.6f − spent $%.6f − reserved $%.6f by running attempts) < estimated $%.6f",
			max(remaining, 0), limit, x.d.Cost, reserved, h.cost)
		if x.escalating {
			reason = "escalation " + reason
		}
		return reason
	}
	x.cost.pending = h
	return ""
}

// reserveCost commits the reservation costReason made, for attempt id.
func (x *exec) reserveCost(id int32) {
	if x.d.Hints.MaxCost > 0 {
		x.reserveCapped(id)
	}
}

func (x *exec) reserveCapped(id int32) {
	h := x.cost.pending
	h.id = id
	x.cost.mu.Lock()
	x.cost.held = append(x.cost.held, h)
	x.cost.mu.Unlock()
	x.d.CostCap.Reserved = max(x.d.CostCap.Reserved, x.d.Cost+x.cost.reserved())
}

// settleCost replaces attempt id's reservation by its actual cost, already
// added to the decision, and notes the reservation in a.
func (x *exec) settleCost(id int32, a *Attempt) {
	if x.d.Hints.MaxCost > 0 {
		x.settleCapped(id, a)
	}
}

func (x *exec) settleCapped(id int32, a *Attempt) {
	x.cost.mu.Lock()
	for i, h := range x.cost.held {
		if h.id == id {
			a.Reserved, a.MaxTokens = h.cost, h.maxTokens
			x.cost.held = append(x.cost.held[:i], x.cost.held[i+1:]...)
			break
		}
	}
	x.cost.mu.Unlock()
	x.d.CostCap.Spent = x.d.Cost
}

// outputCap returns the output-token limit for attempt id, 0 for none.
// Safe to call from the attempt's goroutine.
func (x *exec) outputCap(id int32) int {
	if !(x.d.Hints.MaxCost > 0) {
		return 0
	}
	return x.cappedOutput(id)
}

func (x *exec) cappedOutput(id int32) int {
	x.cost.mu.Lock()
	defer x.cost.mu.Unlock()
	for _, h := range x.cost.held {
		if h.id == id {
			return h.maxTokens
		}
	}
	return 0
}

func (c *costCap) reserved() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	sum := 0.0
	for _, h := range c.held {
		sum += h.cost
	}
	return sum
}
