package bandit

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/llmrouter/llmrouter"
)

// Record implements llmrouter.Sink: it notes which model answered the
// decision and its cost, so that Feedback credits the model that answered
// (a fallback's, when the choice failed) with its actual cost. Decisions
// the policy does not hold, and nil, are ignored. Quick and safe for
// concurrent use.
func (p *Policy) Record(d *llmrouter.Decision) {
	if err := p.built(); err != nil {
		panic(err.Error())
	}
	if d == nil {
		return
	}
	k, ok := p.arms[d.Answered]
	if !ok {
		return
	}
	p.mu.Lock()
	if e := p.pend.get(d.ID); e != nil {
		e.answered, e.cost = k, d.Cost
	}
	p.mu.Unlock()
}

// Feedback turns a grade of decision id's answer (score in [0,1], as a
// judge or a user gives it) into the reward score − λ·cost of the model
// that answered, and learns it. The model and cost are those Record saw;
// without Record, the policy's choice at its estimated cost. It satisfies
// judge.Feedback (and decisionlog's feedback hook); ctx and note are not
// used. Errors: ErrUnknownDecision (join it with UpdateDecision),
// ErrDuplicate, or a score outside [0,1].
func (p *Policy) Feedback(_ context.Context, id string, score float64, _ string) error {
	if err := p.built(); err != nil {
		return err
	}
	if !(score >= 0 && score <= 1) {
		return fmt.Errorf("bandit: feedback for decision %q: score %v is outside [0,1]", id, score)
	}
	p.mu.Lock()
	e := p.pend.get(id)
	if e == nil {
		p.stats.Unknown++
		p.mu.Unlock()
		return fmt.Errorf("%w %q", ErrUnknownDecision, id)
	}
	a, cost := e.answered, e.cost
	if a < 0 {
		a, cost = e.chosen, e.estCost[e.chosen]
	}
	p.mu.Unlock()
	if math.IsNaN(cost) || cost < 0 {
		cost = 0
	}
	return p.learn(id, e, a, score-p.opt.CostWeight*cost)
}

// Update learns reward for model on decision id, with the context kept at
// decision time. Errors: ErrUnknownDecision, ErrDuplicate, an
// *UnknownModelError, or a reward that is not finite or is beyond ±1e15
// (far past any quality − λ·cost; the arm's sums would overflow). Safe for
// concurrent use; it may wait for other updates, never for Apply.
func (p *Policy) Update(id, model string, reward float64) error {
	if err := p.built(); err != nil {
		return err
	}
	a, ok := p.arms[model]
	if !ok {
		return &UnknownModelError{Model: model}
	}
	p.mu.Lock()
	e := p.pend.get(id)
	if e == nil {
		p.stats.Unknown++
	}
	p.mu.Unlock()
	if e == nil {
		return fmt.Errorf("%w %q", ErrUnknownDecision, id)
	}
	return p.learn(id, e, a, reward)
}

// UpdateDecision learns reward for model on a logged decision (read back
// from a decision log days later, after the pending context was evicted or
// the process restarted): the context is recomputed from the decision's
// features, prediction and candidates, exactly as Apply computed it. It
// does not check for an earlier update of the same decision.
func (p *Policy) UpdateDecision(d *llmrouter.Decision, model string, reward float64) error {
	if err := p.built(); err != nil {
		return err
	}
	if d == nil {
		return errors.New("bandit: UpdateDecision: nil decision")
	}
	a, ok := p.arms[model]
	if !ok {
		return &UnknownModelError{Model: model}
	}
	e, err := entryFromDecision(d, p.arms, len(p.names), p.opt.CostWeight)
	if err != nil {
		return err
	}
	return p.learn("", e, a, reward)
}

func (p *Policy) learn(id string, e *pendingEntry, a int, reward float64) error {
	if math.IsNaN(reward) || math.IsInf(reward, 0) {
		return fmt.Errorf("bandit: reward %v for decision %q is not finite", reward, id)
	}
	if math.Abs(reward) > maxPrior { // as a prior read back: the arm's sums stay finite
		return fmt.Errorf("bandit: reward %v for decision %q is beyond ±%g", reward, id, maxPrior)
	}
	if math.IsNaN(e.quality[a]) {
		return fmt.Errorf("bandit: decision %q did not consider model %q", id, p.names[a])
	}
	p.wmu.Lock()
	defer p.wmu.Unlock()
	if id != "" {
		p.mu.Lock()
		dup := e.updated&(1<<a) != 0
		e.updated |= 1 << a
		p.mu.Unlock()
		if dup {
			return fmt.Errorf("%w: %q, model %q", ErrDuplicate, id, p.names[a])
		}
	}
	old := *p.state.Load()
	next := append([]*arm(nil), old...)
	c := *old[a]
	x, y := e.context(a), reward-e.prior[a]
	c.update(x, y)
	next[a] = &c
	p.state.Store(&next)
	p.pushShared(a, x, y)
	p.mu.Lock()
	p.stats.Updates++
	p.mu.Unlock()
	return nil
}
