package bandit

import "github.com/llmrouter/llmrouter"

// The warm start is the live policy's choice. The prior reward of a model,
// its predicted quality − λ·cost, often ranks another model first than the
// Base plan's first (CheapestAdequate picks the cheapest model above a
// quality threshold, with strengths first: a different reading of the same
// prediction). A bandit started from that reading would route worse than
// the policy it replaces before it had learnt anything, so the Base's
// choice gets a bump: its prior is raised to liveMargin above the best
// other plan model's, and the bump is a context feature of that model, so
// grades learn how far to trust the Base's choice. With no evidence the
// greedy choice is therefore exactly the Base's.

// liveMargin is how far the Base's choice is raised above the best other
// model: a correction must learn at least this much before the greedy
// choice departs from the Base's. Tuned on RouterBench seeds 11–30 (0,
// 0.05, 0.1, 0.15, 0.2, 0.25): at 0 single seeds collapsed onto a bad model
// from a few early grades.
const liveMargin = 0.1

// warmStart raises the prior of the Base plan's first model (arm live) to
// liveMargin above the highest prior among the plan's other models (arms),
// and notes the bump.
func (e *pendingEntry) warmStart(live int, arms []int) {
	e.live, e.bump = live, 0
	if live < 0 {
		return
	}
	top := e.prior[live]
	for _, a := range arms {
		if a != live && e.prior[a] > top {
			top = e.prior[a]
		}
	}
	top += liveMargin
	e.bump = top - e.prior[live]
	e.prior[live] = top
}

// liveOf is the Base plan's first model in a logged plan: the bandit moved
// its choice ahead of it (reason ReasonGreedy or ReasonExplore), or kept it
// first. A plan the bandit did not reorder (shadow mode) starts with it.
func liveOf(plan []llmrouter.Step) string {
	if len(plan) == 0 {
		return ""
	}
	if r := plan[0].Reason; (r == ReasonGreedy || r == ReasonExplore) && len(plan) > 1 {
		return plan[1].Model
	}
	return plan[0].Model
}
