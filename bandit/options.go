package bandit

import (
	"github.com/llmrouter/llmrouter"
)

// Defaults of Options.
const (
	DefaultRidge           = 1.0
	DefaultNoise           = 0.5
	DefaultMaxExploreShare = 0.1
	DefaultMaxExploreCost  = 0.1
	DefaultMaxPending      = 50000
	DefaultExploreDecay    = 250.0
	// DefaultMaxExploreAway and DefaultMaxExploreRegret: chosen on
	// RouterBench seeds 11–30 (explore_away.go).
	DefaultMaxExploreAway   = 0.02
	DefaultMaxExploreRegret = 0.005
	// DefaultMinDepartChance: chosen on RouterBench seeds 11–30 by how
	// often the bandit is ahead of the live policy at request 2,000
	// (explore_chance.go).
	DefaultMinDepartChance = 0.65
	// MaxModels is the most models a Policy routes between.
	MaxModels = 64
)

// Options configure New. The zero value is usable: every field has the
// default named on it.
type Options struct {
	// CostWeight is λ in reward = quality − λ·cost, in quality per USD: at
	// λ = 100 a cent costs 0.01 of quality. 0 (default): quality only.
	CostWeight float64
	// Ridge is the prior's strength (the ridge α of every arm's model):
	// how many grades it takes to move away from the router's prediction
	// (DefaultRidge when ≤ 0).
	Ridge float64
	// Noise scales the posterior's spread, hence how much the policy
	// explores (DefaultNoise when ≤ 0; rewards of 0/1 grades suit 0.5).
	Noise float64
	// ExploreDecay makes exploration fade: every posterior spread is
	// scaled by 1/√(1 + grades/ExploreDecay), grades counting every grade
	// learnt (DefaultExploreDecay when 0; negative: no decay).
	ExploreDecay float64
	// MaxExploreShare caps the share of decisions that explore
	// (DefaultMaxExploreShare when 0; negative: never explore).
	MaxExploreShare float64
	// MaxExploreCost caps exploration's extra estimated spend as a share
	// of the estimated spend of all decisions (DefaultMaxExploreCost when
	// 0; negative: exploration never picks a dearer model).
	MaxExploreCost float64
	// MaxExploreRegret caps exploration's expected loss of reward: the
	// greedy model's posterior mean minus the explored one's, summed over
	// exploring decisions, stays within MaxExploreRegret per decision
	// (DefaultMaxExploreRegret when 0; negative: no cap). See regret.go.
	MaxExploreRegret float64
	// Pool, in [0, 1], shrinks every arm's learnt correction towards the
	// correction learnt from all arms' grades together, with this weight
	// (see pool.go). Default 0: each arm learns alone.
	Pool float64
	// MaxExploreAway caps the share of decisions that explore a model
	// other than the live policy's choice (the Base plan's first);
	// exploring back to the live choice, when the greedy one departs from
	// it, counts only against MaxExploreShare (DefaultMaxExploreAway when
	// 0; negative: never explore away from the live choice; at or above
	// MaxExploreShare it never binds). See explore_away.go.
	MaxExploreAway float64
	// MinExploreChance, in [0, 1]: a model other than the greedy one and
	// the live choice enters the Thompson draw only if the posterior
	// chance that it beats the greedy one is at least this. Default 0:
	// no gate. See explore_chance.go.
	MinExploreChance float64
	// MinDepartChance, at most 1: the greedy choice departs from the live
	// choice only when the posterior chance that it beats the live one is
	// at least this (DefaultMinDepartChance when 0; negative, or any value
	// up to 1/2: no gate, the highest posterior mean). See
	// explore_chance.go.
	MinDepartChance float64
	// MaxPending bounds the decisions kept for their grades
	// (DefaultMaxPending when ≤ 0); the oldest is evicted first.
	MaxPending int
	// Seed seeds the sampling; 0 (default) picks a random seed. Given the
	// seed and the same sequence of calls the policy is deterministic.
	Seed uint64
	// Shadow: compute the choice and count disagreements with the live
	// plan, but change nothing in the Routing.
	Shadow bool
	// Shared, if set, pools what this policy learns with the policies of
	// other replicas (see Shared; redisstore.Learner on Redis): each
	// update is added to it, and the arms are rebuilt from its totals
	// when they change. A state restored by ReadFrom gives way to the
	// totals at the next decision, after seeding those of the arms they
	// hold none for if Shared is a SharedSeeder (MemoryShared and
	// redisstore.Learner are). Apply
	// never waits for an update; an update may wait for the pull of
	// one decision (one Shared.Totals call, which redisstore.Learner
	// answers from memory). Default nil: the policy learns alone.
	Shared Shared
	// Base is the live policy run first: its filters remove candidates and
	// its plan lists the models the bandit chooses among (and, after the
	// choice, the fallbacks in order). A Base that plans nothing (filters
	// alone, as DefaultPolicy(budget) with no selection rule) leaves the
	// models it kept in the router's order for an unplanned request: by
	// predicted quality, best first. Default: llmrouter.DefaultPolicy();
	// a nil pointer or func fails New.
	// A StartCall hook of the Base (a budget.Budget among its filters) runs
	// around each call through the bandit (see Policy.StartCall).
	Base llmrouter.Policy
}
