package bandit

import "fmt"

// SharedSeeder is a Shared whose totals can be seeded: ReadFrom (and Load)
// on a policy whose Options.Shared is one seeds the totals of every arm
// the state file has learnt and the shared totals hold none for, so that
// what a single process learnt survives its move to shared learning. An
// arm the shared totals already hold keeps them: the file's arm is
// replaced at the next decision, as every replica learns from the same
// totals. MemoryShared and redisstore.Learner are SharedSeeders; with a
// Shared that is not, the shared totals replace the whole loaded state at
// the next decision.
type SharedSeeder interface {
	Shared
	// Seed sets arm's totals to tot if, and only if, the backend holds
	// none for arm, atomically against every replica (so a file loaded by
	// several replicas counts once), and reports whether it did (a
	// backend may also decline where its replicas restore the totals
	// themselves, as redisstore.Learner does after Redis lost its data,
	// so that nothing counts twice); it fails
	// when the backend does not answer (ReadFrom then fails, the policy
	// unchanged, and may be called again). tot is not kept after Seed
	// returns.
	Seed(arm string, tot []float64) (bool, error)
}

var _ SharedSeeder = (*MemoryShared)(nil)

// Seed implements SharedSeeder; the generation changes when it seeds. It
// never fails.
func (m *MemoryShared) Seed(arm string, tot []float64) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tot[arm] != nil {
		return false, nil
	}
	if m.tot == nil {
		m.tot = map[string][]float64{}
	}
	m.tot[arm] = append([]float64(nil), tot...)
	m.gen++
	return true, nil
}

// totalsOf is the shared totals whose arm is a at the ridge prior: the
// sums of the increments of every update a has learnt.
func totalsOf(a *arm, ridge float64) []float64 {
	t := make([]float64, 0, sharedLen)
	t = append(t, float64(a.n))
	for i := range contextDim {
		for j := i; j < contextDim; j++ {
			v := a.a[i][j]
			if i == j {
				v -= ridge
			}
			t = append(t, v)
		}
	}
	return append(t, a.b[:]...)
}

// seedShared seeds the shared totals from arms, a state ReadFrom is
// about to restore (see SharedSeeder); called with p.wmu held.
func (p *Policy) seedShared(arms []*arm) error {
	s, ok := p.opt.Shared.(SharedSeeder)
	if !ok {
		return nil
	}
	for k, a := range arms {
		if a.n == 0 {
			continue
		}
		if _, err := s.Seed(learnerLayout+p.names[k], totalsOf(a, p.opt.Ridge)); err != nil {
			return fmt.Errorf("bandit: seeding the shared totals of %q: %w", p.names[k], err)
		}
	}
	return nil
}

// loadedShared makes the next decision rebuild the arms from the shared
// totals whatever their generation, so that a state ReadFrom restored
// does not outlive them; called with p.wmu held.
func (p *Policy) loadedShared() {
	if p.opt.Shared != nil {
		p.sharedGen = ^uint64(0) // no Shared returns it: the next pull rebuilds
	}
}
