package bandit

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/llmrouter/llmrouter/internal/nilcheck"

	"github.com/llmrouter/llmrouter"
)

// Plan-step reasons the policy writes on the step it moves to the front.
const (
	ReasonGreedy  = "bandit: highest expected reward (quality − λ·cost)"
	ReasonExplore = "bandit: exploring (Thompson sample)"
	// ReasonKept and ReasonKeptExplore: the choice is the Base plan's
	// first model (the live policy's own choice), greedily or by exploring.
	ReasonKept        = "bandit: the live policy's choice, highest expected reward"
	ReasonKeptExplore = "bandit: the live policy's choice, exploring (Thompson sample)"
)

var nan = math.NaN()

// ErrUnknownDecision: a grade named a decision the policy no longer (or
// never) held; join it with UpdateDecision from the logged decision.
var ErrUnknownDecision = errors.New("bandit: unknown decision")

// ErrDuplicate: the decision already taught this model; a bandit cannot
// take an observation back, so a second grade is refused, not added.
var ErrDuplicate = errors.New("bandit: decision already updated for this model")

// UnknownModelError: a model name the policy was not built with.
type UnknownModelError struct{ Model string }

func (e *UnknownModelError) Error() string { return fmt.Sprintf("bandit: unknown model %q", e.Model) }

// Stats are a Policy's counters since New (or since the state was saved,
// for restored counters: Decisions, Explored, ExploreExtraUSD, SpendUSD;
// ExploreRegret restarts at its cap, MaxExploreRegret·Decisions).
type Stats struct {
	// Decisions counts Apply calls that chose (or, in shadow mode, would
	// have chosen) a model; Explored those whose choice was not the greedy
	// one.
	Decisions, Explored int64
	// ExploredAway counts the exploring decisions whose choice was not
	// the live policy's (restored as Explored).
	ExploredAway int64
	// ExploreExtraUSD sums the estimated extra cost of exploring (chosen
	// minus greedy, when dearer); SpendUSD the estimated cost of every
	// choice. ExploreExtraUSD ≤ MaxExploreCost·SpendUSD holds throughout.
	ExploreExtraUSD, SpendUSD float64
	// ExploreRegret sums the expected reward given up by exploring (the
	// greedy model's posterior mean minus the chosen one's);
	// with a positive MaxExploreRegret, ExploreRegret ≤
	// MaxExploreRegret·Decisions holds throughout.
	ExploreRegret float64
	// Disagreements counts shadow decisions whose choice differed from
	// the live plan's first model.
	Disagreements int64
	// Updates counts grades applied; Unknown those for decisions not held;
	// Evicted the pending decisions dropped to make room.
	Updates, Unknown, Evicted int64
	// Pending is how many decisions the policy keeps for their grades
	// (at most Options.MaxPending, the oldest evicted first): graded ones
	// included, as a grade for another model (Update) may still join them.
	Pending int
}

// Policy is a contextual-bandit llmrouter.Policy (Thompson sampling over
// per-model linear reward models; see the package doc). It is also an
// llmrouter.Sink (Record notes which model answered and what it cost, so
// install it with both WithPolicy and WithSink) and a judge.Feedback
// (Feedback turns a grade into a reward). Safe for concurrent use. Unlike
// the Policy contract's ideal it is not a pure function of the Routing: its
// choice depends on what it has learnt and on its random draws. Build it
// with New: the zero value is not usable (its methods return an error
// saying so, or panic with it where they return none).
type Policy struct {
	names  []string
	arms   map[string]int
	opt    Options
	base   llmrouter.Policy
	state  atomic.Pointer[[]*arm] // published copy-on-write by updates
	wmu    sync.Mutex             // serializes updates
	mu     sync.Mutex             // guards rng, counters, pending
	rng    *rand.Rand
	stats  Stats
	pend   *pendingStore
	layout atomic.Pointer[[]int]  // router model index → arm, cached
	pool   atomic.Pointer[pooled] // Options.Pool's means, cached per state
	sharedState
}

var (
	_ llmrouter.Policy = (*Policy)(nil)
	_ llmrouter.Sink   = (*Policy)(nil)
)

// errNotBuilt is what every method of a Policy New did not make (its
// zero value) returns, or panics with where it returns no error.
var errNotBuilt = errors.New("bandit: Policy not made by New (its zero value is not usable)")

// built returns errNotBuilt for a Policy New did not make.
func (p *Policy) built() error {
	if p.pend == nil {
		return errNotBuilt
	}
	return nil
}

// New returns a policy over the named models (the router's model names,
// in any order) with every arm at its prior. A Shared that is a nil
// pointer, or whose Validate method (if it has one: a redisstore.Learner
// does) fails, as a zero value's does, is an error.
func New(models []string, opt Options) (*Policy, error) {
	if len(models) == 0 || len(models) > MaxModels {
		return nil, fmt.Errorf("bandit: %d models; want 1 to %d", len(models), MaxModels)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"CostWeight", opt.CostWeight}, {"Ridge", opt.Ridge}, {"Noise", opt.Noise},
		{"MaxExploreShare", opt.MaxExploreShare}, {"MaxExploreCost", opt.MaxExploreCost},
		{"ExploreDecay", opt.ExploreDecay}, {"MaxExploreRegret", opt.MaxExploreRegret}, {"Pool", opt.Pool}, {"MaxExploreAway", opt.MaxExploreAway}, {"MinExploreChance", opt.MinExploreChance}, {"MinDepartChance", opt.MinDepartChance}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return nil, fmt.Errorf("bandit: Options.%s is %v; want a finite number", f.name, f.v)
		}
	}
	if opt.CostWeight < 0 {
		return nil, fmt.Errorf("bandit: Options.CostWeight %v is negative", opt.CostWeight)
	}
	if opt.Pool < 0 {
		return nil, fmt.Errorf("bandit: Options.Pool %v is negative; want [0, 1] (0: each arm learns alone)", opt.Pool)
	}
	if opt.Pool > 1 {
		return nil, fmt.Errorf("bandit: Options.Pool %v is above 1", opt.Pool)
	}
	if opt.MinExploreChance < 0 || opt.MinExploreChance > 1 {
		return nil, fmt.Errorf("bandit: Options.MinExploreChance %v is outside [0, 1]", opt.MinExploreChance)
	}
	if opt.MinDepartChance > 1 {
		return nil, fmt.Errorf("bandit: Options.MinDepartChance %v is above 1", opt.MinDepartChance)
	}
	if opt.MaxExploreShare > 1 {
		return nil, fmt.Errorf("bandit: Options.MaxExploreShare %v is above 1", opt.MaxExploreShare)
	}
	if opt.Ridge <= 0 {
		opt.Ridge = DefaultRidge
	}
	if opt.Noise <= 0 {
		opt.Noise = DefaultNoise
	}
	if opt.MaxExploreShare == 0 {
		opt.MaxExploreShare = DefaultMaxExploreShare
	}
	if opt.MaxExploreCost == 0 {
		opt.MaxExploreCost = DefaultMaxExploreCost
	}
	if opt.MaxExploreRegret == 0 {
		opt.MaxExploreRegret = DefaultMaxExploreRegret
	}
	if opt.MaxExploreAway == 0 {
		opt.MaxExploreAway = DefaultMaxExploreAway
	}
	switch {
	case opt.MinDepartChance == 0:
		opt.MinDepartChance = DefaultMinDepartChance
	case opt.MinDepartChance < 0:
		opt.MinDepartChance = 0 // no gate
	}
	if opt.ExploreDecay == 0 {
		opt.ExploreDecay = DefaultExploreDecay
	}
	if opt.MaxPending <= 0 {
		opt.MaxPending = DefaultMaxPending
	}
	if opt.Seed == 0 {
		opt.Seed = rand.Uint64() | 1
	}
	p := &Policy{names: append([]string(nil), models...), arms: make(map[string]int, len(models)), opt: opt, base: opt.Base,
		rng: rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15)), pend: newPendingStore(opt.MaxPending)}
	if nilcheck.PointerOrFunc(opt.Shared) {
		return nil, fmt.Errorf("bandit: Options.Shared is a nil %T (did its constructor fail?)", opt.Shared)
	}
	if err := nilcheck.Unusable(opt.Shared); err != nil {
		return nil, fmt.Errorf("bandit: Options.Shared: %w", err)
	}
	if p.base == nil {
		p.base = llmrouter.DefaultPolicy()
	} else if nilcheck.PointerOrFunc(p.base) {
		return nil, fmt.Errorf("bandit: Options.Base is a nil %T (did its constructor fail?)", p.base)
	}
	arms := make([]*arm, len(models))
	for i, m := range models {
		if _, dup := p.arms[m]; dup || m == "" {
			return nil, fmt.Errorf("bandit: model name %q is empty or repeated", m)
		}
		p.arms[m] = i
		arms[i] = newArm(opt.Ridge)
	}
	p.state.Store(&arms)
	return p, nil
}

func priorOf(quality, cost, lambda float64) float64 {
	if math.IsNaN(quality) {
		quality = 0.5
	}
	if math.IsNaN(cost) || cost < 0 {
		cost = 0
	}
	return quality - lambda*cost
}

// layoutFor maps the router's model indexes to arms (cached: a router's
// models do not change).
func (p *Policy) layoutFor(models []llmrouter.ModelCard) ([]int, error) {
	if l := p.layout.Load(); l != nil && len(*l) == len(models) {
		return *l, nil
	}
	l := make([]int, len(models))
	for i, m := range models {
		k, ok := p.arms[m.Name]
		if !ok {
			return nil, &UnknownModelError{Model: m.Name}
		}
		l[i] = k
	}
	p.layout.Store(&l)
	return l, nil
}

// Apply runs the Base policy, then moves the model the bandit chooses
// among the Base plan's models to the front (reason ReasonKept or
// ReasonKeptExplore when it is the Base's first model, else ReasonGreedy
// or ReasonExplore) and sets r.Propensity, unless in shadow mode. With no
// grades its greedy choice is the Base's (warmstart.go). The context
// is kept under r.DecisionID for the grade. Safe for concurrent use; it
// never waits for an update.
func (p *Policy) Apply(r *llmrouter.Routing) error {
	if err := p.built(); err != nil {
		return err
	}
	if err := p.base.Apply(r); err != nil {
		return err
	}
	if len(r.Plan) == 0 {
		planByQuality(r) // a Base of filters alone: the router's order for an unplanned request
		if len(r.Plan) == 0 {
			return nil // every model removed
		}
	}
	layout, err := p.layoutFor(r.Models)
	if err != nil {
		return err
	}
	p.pullShared(r.Now)
	src := p.state.Load()
	arms, pm := *src, p.pooledMeans(src)
	n := len(p.names)
	e := &pendingEntry{quality: nanSlice(n), prior: nanSlice(n), estCost: nanSlice(n), answered: -1, cost: nan, live: -1}
	diff := nan
	if r.Prediction != nil {
		diff = r.Prediction.Difficulty
	}
	e.base = contextOf(r.Features, diff, 0)
	for _, c := range r.Candidates {
		k := layout[c.Index]
		e.quality[k], e.estCost[k] = c.Quality, c.Cost
		e.prior[k] = priorOf(c.Quality, c.Cost, p.opt.CostWeight)
	}
	var planBuf [MaxModels]int
	plan := planBuf[:0]
	for _, st := range r.Plan {
		if a := layout[st.Index]; !math.IsNaN(e.prior[a]) {
			plan = append(plan, a)
		}
	}
	if a := layout[r.Plan[0].Index]; !math.IsNaN(e.prior[a]) {
		e.warmStart(a, plan)
	}
	decay := p.decay(arms)
	var buf [2 * MaxModels]float64
	k := len(r.Plan)
	m, s := buf[:k:k], buf[k:2*k]
	greedy := 0
	for i, st := range r.Plan {
		a := layout[st.Index]
		x := e.context(a)
		if pm != nil {
			m[i] = e.prior[a] + dot(pm[a], x)
		} else {
			m[i] = e.prior[a] + arms[a].mean(x)
		}
		s[i] = arms[a].sd(x, p.opt.Noise) * decay
		if m[i] > m[greedy] {
			greedy = i
		}
	}
	greedy = p.departGate(m, s, greedy)
	choice, prop := p.choose(r.Plan, layout, e, m, s, greedy)
	e.chosen = layout[r.Plan[choice].Index]
	if p.opt.Shadow {
		e.chosen = layout[r.Plan[0].Index] // the live choice is what gets graded
	}
	p.mu.Lock()
	if p.opt.Shadow && choice != 0 {
		p.stats.Disagreements++
	}
	if r.DecisionID != "" {
		p.pend.put(r.DecisionID, e)
	}
	p.mu.Unlock()
	if p.opt.Shadow {
		return nil
	}
	st := r.Plan[choice]
	switch {
	case choice == 0 && choice == greedy:
		st.Reason = ReasonKept
	case choice == 0:
		st.Reason = ReasonKeptExplore
	case choice == greedy:
		st.Reason = ReasonGreedy
	default:
		st.Reason = ReasonExplore
	}
	copy(r.Plan[1:choice+1], r.Plan[:choice])
	r.Plan[0] = st
	r.Propensity = prop
	return nil
}

// choose draws the Thompson sample among the plan's models that keep the
// exploration caps, and returns the chosen plan position and its
// propensity. m and s are the posterior means and spreads, in plan order.
func (p *Policy) choose(plan []llmrouter.Step, layout []int, e *pendingEntry, m, s []float64, greedy int) (int, float64) {
	cost := func(i int) float64 {
		c := e.estCost[layout[plan[i].Index]]
		if math.IsNaN(c) || c < 0 {
			return 0
		}
		return c
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	st := &p.stats
	// The caps, checked as if this decision were made: exploring may not
	// push the share above MaxExploreShare, nor the extra spend above
	// MaxExploreCost of the spend (counting this decision at its greedy cost).
	canExplore := p.opt.MaxExploreShare > 0 && float64(st.Explored+1) <= p.opt.MaxExploreShare*float64(st.Decisions+1)
	room := math.Max(p.opt.MaxExploreCost, 0)*(st.SpendUSD+cost(greedy)) - st.ExploreExtraUSD
	regretRoom := p.regretRoom()
	canAway := p.canExploreAway()
	var idxBuf [MaxModels]int
	var subBuf [2 * MaxModels]float64
	idx := idxBuf[:0]
	for i := range m {
		if i == greedy || canExplore && cost(i)-cost(greedy) <= room && m[greedy]-m[i] <= regretRoom && (i == 0 || canAway) && p.mayBeat(m, s, i, greedy) {
			idx = append(idx, i)
		}
	}
	k := len(idx)
	sm, ss := subBuf[:k:k], subBuf[k:2*k]
	best, bestV := 0, math.Inf(-1)
	for j, i := range idx {
		sm[j], ss[j] = m[i], s[i]
		if v := m[i] + s[i]*p.rng.NormFloat64(); v > bestV || k == 1 {
			best, bestV = j, v
		}
	}
	choice := idx[best]
	prop := 1.0
	if k > 1 {
		prop = propensity(best, sm, ss)
	}
	st.Decisions++
	st.SpendUSD += cost(choice)
	if choice != greedy {
		st.Explored++
		st.ExploreExtraUSD += math.Max(cost(choice)-cost(greedy), 0)
		st.ExploreRegret += m[greedy] - m[choice]
		if choice != 0 {
			st.ExploredAway++
		}
	}
	return choice, prop
}

// Stats returns the counters. Safe for concurrent use.
func (p *Policy) Stats() Stats {
	if err := p.built(); err != nil {
		panic(err.Error())
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	s.Pending = len(p.pend.m)
	s.Evicted = p.pend.evicted
	return s
}

// Models returns the model names the policy was built with, in order.
func (p *Policy) Models() []string { return append([]string(nil), p.names...) }

// decay scales every posterior spread by 1/√(1 + grades/ExploreDecay), so
// exploration fades as grades accumulate (the posterior alone stops
// narrowing once each arm's context is covered).
func (p *Policy) decay(arms []*arm) float64 {
	if p.opt.ExploreDecay < 0 {
		return 1
	}
	n := int64(0)
	for _, a := range arms {
		n += a.n
	}
	return 1 / math.Sqrt(1+float64(n)/p.opt.ExploreDecay)
}

// planByQuality plans the candidates r's policies left, as the router
// plans a request no selection rule planned: by predicted quality, best
// first (NaN last), then cheapest, then in the router's order.
func planByQuality(r *llmrouter.Routing) {
	var buf [MaxModels]int
	idx := buf[:0]
	for i, c := range r.Candidates {
		if c.Removed == "" {
			idx = append(idx, i)
		}
	}
	c := r.Candidates
	slices.SortStableFunc(idx, func(a, b int) int {
		qa, qb := c[a].Quality, c[b].Quality
		switch {
		case qa == qb || (qa != qa && qb != qb):
			return cmp.Compare(c[a].Cost, c[b].Cost)
		case qa != qa:
			return 1
		case qb != qb:
			return -1
		}
		return cmp.Compare(qb, qa)
	})
	for _, i := range idx {
		r.Plan = append(r.Plan, llmrouter.Step{Model: c[i].Model, Index: i, Reason: llmrouter.ReasonByQuality})
	}
}
