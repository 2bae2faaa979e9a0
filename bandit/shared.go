package bandit

import (
	"math"
	"sync"
	"time"
)

// Shared pools what the policies of several replicas (routers in other
// processes) learn, so that they learn together: set it as
// Options.Shared on each. Package redisstore has one on Redis
// (redisstore.Learner); MemoryShared pools policies in one process.
//
// It knows nothing of the learner: a learner's state is sums of
// per-update statistics (its sufficient statistics), and each update is
// a vector of increments to add to an arm's sums, in an order the learner
// defines. Arm keys start with the learner's layout name, so a learner of
// another shape uses other keys. Every update is added once, on the
// replica that learnt it; every replica rebuilds its arms from the
// totals when they change.
//
// Implementations must be safe for concurrent use and return promptly
// whatever their backend does (Totals is called on every decision): on a
// backend failure they keep summing this replica's increments, serve
// the last totals read plus them, and apply them when the backend is
// back.
type Shared interface {
	// Add adds inc, one update's increments, to arm's totals. inc is not
	// kept after Add returns.
	Add(arm string, inc []float64)
	// Totals returns each arm's totals (nil for an arm with none) as the
	// backend last reported them plus this replica's increments not yet
	// applied there, and a generation that changes when the backend's
	// totals may have; when that generation equals since, tot is nil:
	// nothing to rebuild. now is the router's time, for scheduling
	// backend reads.
	Totals(arms []string, now time.Time, since uint64) (tot [][]float64, gen uint64)
}

// learnerLayout names the statistics Shared holds for this learner: per
// arm, the update count, the upper triangle of Σ x xᵀ (row by row), and
// Σ x y, over a context of contextDim features. The name changes with the
// layout, so replicas of releases with another context (lints8/: 8
// features, before the warm start) keep their own totals during a rolling
// upgrade instead of adding to and misreading each other's.
const learnerLayout = "lints9/"

// sharedLen is the length of one update's increments.
const sharedLen = 1 + contextDim*(contextDim+1)/2 + contextDim

// increments are one update (x, y)'s additions to the shared totals.
func increments(x vec, y float64) []float64 {
	inc := make([]float64, 0, sharedLen)
	inc = append(inc, 1)
	for i := range contextDim {
		for j := i; j < contextDim; j++ {
			inc = append(inc, x[i]*x[j])
		}
	}
	for i := range contextDim {
		inc = append(inc, x[i]*y)
	}
	return inc
}

// armFromTotals is the arm whose statistics are t, at the ridge prior;
// it fails on a vector of another length or one no reachable state has.
func armFromTotals(t []float64, ridge float64) (*arm, bool) {
	if len(t) != sharedLen || !(t[0] >= 0) || t[0] > math.MaxInt64/2 {
		return nil, false
	}
	a := &arm{n: int64(math.Round(t[0]))}
	k := 1
	for i := range contextDim {
		for j := i; j < contextDim; j++ {
			a.a[i][j], a.a[j][i] = t[k], t[k]
			k++
		}
		a.a[i][i] += ridge
	}
	copy(a.b[:], t[k:])
	for i := range contextDim {
		if !finite(a.b[i]) {
			return nil, false
		}
	}
	if a.invert() != nil { // NaN and ±Inf entries fail too
		return nil, false
	}
	return a, true
}

// pushShared adds one update of arm k to the shared totals; called
// with p.wmu held, with the update just published.
func (p *Policy) pushShared(k int, x vec, y float64) {
	if p.opt.Shared != nil {
		p.opt.Shared.Add(learnerLayout+p.names[k], increments(x, y))
	}
}

// pullShared rebuilds the arms from the shared totals when they changed.
// It never waits: when an update (or another pull) holds the write lock,
// the next decision pulls instead. An arm whose totals are missing or
// unusable keeps its current model.
func (p *Policy) pullShared(now time.Time) {
	if p.opt.Shared == nil || !p.wmu.TryLock() {
		return
	}
	defer p.wmu.Unlock()
	p.sharedOnce.Do(func() {
		p.sharedKeys = make([]string, len(p.names))
		for i, m := range p.names {
			p.sharedKeys[i] = learnerLayout + m
		}
	})
	tot, gen := p.opt.Shared.Totals(p.sharedKeys, now, p.sharedGen)
	if tot == nil || gen == p.sharedGen {
		return
	}
	p.sharedGen = gen
	old := *p.state.Load()
	next := append([]*arm(nil), old...)
	for i := range next {
		if i >= len(tot) {
			break
		}
		if tot[i] == nil {
			next[i] = newArm(p.opt.Ridge)
			continue
		}
		if a, ok := armFromTotals(tot[i], p.opt.Ridge); ok {
			next[i] = a
		}
	}
	p.state.Store(&next)
}

// sharedState is the Policy's bookkeeping for Options.Shared, guarded by
// wmu.
type sharedState struct {
	sharedOnce sync.Once
	sharedKeys []string
	sharedGen  uint64
}

// MemoryShared is a Shared in memory: policies in one process that share
// it learn together (replicas in other processes need a shared backend,
// such as redisstore.Learner). The zero value is ready to use; safe for
// concurrent use.
type MemoryShared struct {
	mu  sync.Mutex
	tot map[string][]float64
	gen uint64
}

var _ Shared = (*MemoryShared)(nil)

// Add implements Shared.
func (m *MemoryShared) Add(arm string, inc []float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tot == nil {
		m.tot = map[string][]float64{}
	}
	t := m.tot[arm]
	if len(t) < len(inc) {
		t = append(t, make([]float64, len(inc)-len(t))...)
	}
	for i, v := range inc {
		t[i] += v
	}
	m.tot[arm] = t
	m.gen++
}

// Totals implements Shared; the generation changes at every Add.
func (m *MemoryShared) Totals(arms []string, _ time.Time, since uint64) ([][]float64, uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.gen == since {
		return nil, since
	}
	tot := make([][]float64, len(arms))
	for i, a := range arms {
		if t := m.tot[a]; t != nil {
			tot[i] = append([]float64(nil), t...)
		}
	}
	return tot, m.gen
}
