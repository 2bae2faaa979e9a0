package bandit

import (
	"math"

	"github.com/llmrouter/llmrouter"
)

// pendingEntry is what a decision's grade needs to update the right arm
// with the context seen at decision time: the shared context (x with the
// quality slot left for each arm), and per arm its predicted quality and
// prior. Compact: about 8·(8+2n) bytes for n models.
type pendingEntry struct {
	base     vec
	quality  []float64 // per arm, NaN for arms that were not candidates
	prior    []float64 // per arm: quality − λ·estimated cost
	estCost  []float64 // per arm, estimated USD
	chosen   int       // arm the policy chose (or, in shadow mode, would have)
	answered int       // arm that answered (from Record); −1 until known
	cost     float64   // actual USD of the call (from Record); NaN until known
	updated  uint64    // arms already updated, a bit each
	live     int       // arm of the Base plan's first model, −1 if none
	bump     float64   // how much live's prior was raised (warmStart)
}

func (e *pendingEntry) context(arm int) vec {
	x := e.base
	x[1] = clamp(e.quality[arm], 0, 1)
	if arm == e.live {
		x[8] = clamp(e.bump, 0, 2)
	}
	return x
}

// pendingStore keeps up to capacity entries keyed by decision id; the
// oldest is evicted first (a ring of ids). Not safe for concurrent use:
// Policy guards it with its mutex.
type pendingStore struct {
	capacity int
	ring     []string
	next     int
	m        map[string]*pendingEntry
	evicted  int64
}

func newPendingStore(capacity int) *pendingStore {
	return &pendingStore{capacity: capacity, m: make(map[string]*pendingEntry, min(capacity, 1024))}
}

func (s *pendingStore) put(id string, e *pendingEntry) {
	if _, ok := s.m[id]; ok {
		s.m[id] = e
		return
	}
	if len(s.ring) < s.capacity {
		s.ring = append(s.ring, id)
	} else {
		delete(s.m, s.ring[s.next])
		s.evicted++
		s.ring[s.next] = id
		s.next = (s.next + 1) % s.capacity
	}
	s.m[id] = e
}

func (s *pendingStore) get(id string) *pendingEntry { return s.m[id] }

// entryFromDecision recomputes a decision's pending entry from its logged
// form: the same features, prediction and candidates the policy saw.
func entryFromDecision(d *llmrouter.Decision, arms map[string]int, n int, lambda float64) (*pendingEntry, error) {
	e := &pendingEntry{quality: nanSlice(n), prior: nanSlice(n), estCost: nanSlice(n), chosen: -1, answered: -1, cost: nan, live: -1}
	e.base = contextOf(&d.Features, d.Prediction.Difficulty, 0)
	for _, c := range d.Candidates {
		k, ok := arms[c.Model]
		if !ok {
			return nil, &UnknownModelError{Model: c.Model}
		}
		e.quality[k], e.estCost[k] = c.Quality, c.Cost
		e.prior[k] = priorOf(c.Quality, c.Cost, lambda)
	}
	if k, ok := arms[d.Model]; ok {
		e.chosen = k
	}
	plan := make([]int, 0, len(d.Plan))
	for _, st := range d.Plan {
		if k, ok := arms[st.Model]; ok && !math.IsNaN(e.prior[k]) {
			plan = append(plan, k)
		}
	}
	live, ok := arms[liveOf(d.Plan)]
	if !ok || math.IsNaN(e.prior[live]) {
		live = -1
	}
	e.warmStart(live, plan)
	if k, ok := arms[d.Answered]; ok {
		e.answered, e.cost = k, d.Cost
	}
	return e, nil
}

func nanSlice(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = nan
	}
	return s
}
