// Package bandit is a routing policy that learns from feedback as it
// arrives: a contextual bandit that picks, per request, the model with the
// highest expected reward = quality − λ·cost, and learns each model's
// reward from the grades (a judge's, a user's) that come back by decision
// id, minutes or days later.
//
// # Why Thompson sampling, and what it learns
//
// Each model (arm) has a Bayesian linear model of the reward, learnt as a
// correction to the router's own prediction: reward ≈ prior + θᵀx, where
// prior = Candidate.Quality − λ·Candidate.Cost (the trained classifier's
// or the built-in default's prediction), except that the Base policy's
// own choice is raised to a margin above the best other model, so a fresh
// bandit routes exactly as the live policy does (the warm start,
// warmstart.go), and x is a small dense context (the model's predicted
// quality, the difficulty, the request's length, code, maths, reasoning
// and question signals, and that raise; see contextDim).
// θ starts at 0 with a ridge prior and is updated in closed form by
// Sherman–Morrison, O(d²) per grade.
//
// Thompson sampling rather than LinUCB, for three reasons. Replay (an
// off-policy estimate of another policy from the log) needs every choice's
// probability: LinUCB is deterministic given its state, so it gives
// inverse-propensity estimators nothing to weigh, while Thompson sampling
// chooses at random with a probability that is computable here exactly:
// with one linear model per arm, the sampled rewards are independent
// normals, and the chance that the chosen one is the largest is a
// one-dimensional integral (propensity.go). Feedback is delayed and
// batched (a judge grades later): Thompson sampling's randomised choices
// keep exploring between updates, where LinUCB repeats the same optimistic
// choice until the grades arrive. And its exploration shrinks on its own
// as the posterior narrows, with one interpretable knob (Options.Noise);
// Options.ExploreDecay makes it fade further as grades accumulate.
//
// # Exploration caps
//
// A choice other than the greedy one (the highest posterior mean) is
// exploration. Two caps hold over the policy's life: exploring decisions
// are at most Options.MaxExploreShare of all decisions, and the extra
// estimated cost of exploring (chosen minus greedy, when dearer) at most
// Options.MaxExploreCost of the estimated spend. When a cap would be passed
// the policy samples only among the models that keep within it (the greedy
// one always does), and states the propensity of that restricted draw, so
// the recorded propensities stay exact. Two more limits shape the draw:
// exploring a model other than the live policy's choice is capped at
// Options.MaxExploreAway of the decisions (exploring back to the live
// choice, when the greedy one has departed from it, is not), and each
// exploring decision's expected loss is charged to a budget of
// Options.MaxExploreRegret per decision (explore_away.go, regret.go).
// Two gates read the posterior's chances (explore_chance.go):
// Options.MinDepartChance (0.65 by default) keeps the greedy choice on the
// live one until a departure beats it with that chance, and
// Options.MinExploreChance (off by default) keeps out of the draw a model
// unlikely to beat the greedy one.
//
// # Shadow mode
//
// With Options.Shadow the policy computes its choice, counts whether it
// disagrees with the live plan (Stats.Disagreements) and keeps the context
// for learning, but changes nothing in the Routing: the live policy
// (Options.Base) routes. Grades of the live choices still teach it.
//
// # Feedback and the hot path
//
// Apply reads the learnt state through one atomic load and never waits for
// an update; Update, Feedback and UpdateDecision (called by a judge's
// workers, a feedback handler or a replay of the decision log) serialize
// among themselves and publish a new state copy-on-write. Contexts wait for
// their grade in a bounded store keyed by decision id
// (Options.MaxPending, oldest evicted); a grade for an evicted or
// restarted-away decision joins through UpdateDecision, which recomputes
// the context from the logged Decision.
//
// State (every arm's model, the exploration counters and the decisions
// still waiting for their grade, so that a grade arriving after a restart
// joins its decision) is saved with WriteTo / Save and restored with
// ReadFrom / Load: a versioned binary file with a CRC-32C checksum, read
// with bounded allocation.
package bandit
