package bandit

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// The pending decisions in the state file (see state.go for the layout):
// a grade that arrives after a restart still finds its decision's
// context, prior and answering model.

type idEntry struct {
	id string
	e  *pendingEntry
}

// pendingSnapshot copies the pending decisions, oldest first. The caller
// holds wmu (no update changes an entry's updated bits meanwhile); it
// takes mu.
func (p *Policy) pendingSnapshot() []idEntry {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.pend
	out := make([]idEntry, 0, len(s.m))
	for i := range s.ring {
		id := s.ring[(s.next+i)%len(s.ring)]
		if e, ok := s.m[id]; ok {
			c := *e
			c.quality = append([]float64(nil), e.quality...)
			c.prior = append([]float64(nil), e.prior...)
			c.estCost = append([]float64(nil), e.estCost...)
			out = append(out, idEntry{id, &c})
		}
	}
	return out
}

func writeEntry(b *bytes.Buffer, e *pendingEntry) {
	le := binary.LittleEndian
	put := func(v any) { _ = binary.Write(b, le, v) }
	put(e.base)
	put(int16(e.chosen))
	put(int16(e.answered))
	put(e.cost)
	put(e.updated)
	put(int16(e.live))
	put(e.bump)
	for k := range e.quality {
		put(e.quality[k])
		put(e.prior[k])
		put(e.estCost[k])
	}
}

// maxPrior bounds a pending decision's prior (quality − CostWeight ×
// estimated USD) as read: far beyond any real one, small enough that
// updates' sums stay finite.
const maxPrior = 1e15

// readPending reads the pending decisions; order maps the file's model
// numbers to the policy's arms.
func readPending(rd *bytes.Reader, order []int, dim int) ([]idEntry, error) {
	le := binary.LittleEndian
	var count uint32
	if err := binary.Read(rd, le, &count); err != nil {
		return nil, fmt.Errorf("%w: pending decisions: %v", ErrState, err)
	}
	n := len(order)
	// Every entry takes at least this many bytes: no count makes us
	// allocate past what the (already bounded) file holds.
	minEntry := 2 + 8*dim + 4 + 16 + 24*n
	if dim == contextDim {
		minEntry += 10 // live and bump
	}
	if int64(count)*int64(minEntry) > int64(rd.Len()) {
		return nil, fmt.Errorf("%w: %d pending decisions do not fit in the %d bytes left", ErrState, count, rd.Len())
	}
	out := make([]idEntry, 0, count)
	for i := range count {
		bad := func(what string) error {
			return fmt.Errorf("%w: pending decision %d: %s", ErrState, i, what)
		}
		var l uint16
		if err := binary.Read(rd, le, &l); err != nil || int(l) > maxIDLen || int(l) > rd.Len() {
			return nil, bad("id truncated or longer than the limit")
		}
		id := make([]byte, l)
		_, _ = io.ReadFull(rd, id)
		var fix struct {
			Base             vec
			Chosen, Answered int16
			Cost             float64
			Updated          uint64
			Live             int16
			Bump             float64
		}
		if err := readPendingFixed(rd, &fix.Base, dim, &fix.Chosen, &fix.Answered, &fix.Cost, &fix.Updated, &fix.Live, &fix.Bump); err != nil {
			return nil, bad(err.Error())
		}
		arm := func(v int16) (int, bool) {
			if v == -1 {
				return -1, true
			}
			if v < 0 || int(v) >= n {
				return 0, false
			}
			return order[v], true
		}
		e := &pendingEntry{base: fix.Base, cost: fix.Cost, bump: fix.Bump, quality: nanSlice(n), prior: nanSlice(n), estCost: nanSlice(n)}
		var ok1, ok2, ok3 bool
		e.chosen, ok1 = arm(fix.Chosen)
		e.answered, ok2 = arm(fix.Answered)
		e.live, ok3 = arm(fix.Live)
		if !ok1 || !ok2 || !ok3 || fix.Updated>>n != 0 {
			return nil, bad("model number out of range")
		}
		for k, v := range fix.Base {
			if !(v >= 0 && v <= 2) { // contextOf's range
				return nil, bad(fmt.Sprintf("context entry %d is %v, outside [0, 2]", k, v))
			}
		}
		if !math.IsNaN(fix.Cost) && !finiteNonNeg(fix.Cost) {
			return nil, bad("cost is negative or infinite")
		}
		if !finiteNonNeg(fix.Bump) {
			return nil, bad("warm-start bump is negative or not finite")
		}
		for f := range n {
			k := order[f]
			if fix.Updated&(1<<f) != 0 {
				e.updated |= 1 << k
			}
			var v [3]float64
			if err := binary.Read(rd, le, &v); err != nil {
				return nil, bad(err.Error())
			}
			if math.IsInf(v[0], 0) || math.IsInf(v[1], 0) || math.IsInf(v[2], 0) {
				return nil, bad("prediction is infinite")
			}
			// The prior is the update's offset (reward − prior): one of
			// absurd size would put ±Inf into the arm.
			if math.Abs(v[1]) > maxPrior {
				return nil, bad(fmt.Sprintf("prior %v beyond ±%g", v[1], maxPrior))
			}
			e.quality[k], e.prior[k], e.estCost[k] = v[0], v[1], v[2]
		}
		out = append(out, idEntry{string(id), e})
	}
	return out, nil
}

// readPendingFixed reads a pending decision's fixed-size fields; a file of
// an earlier version (dim < contextDim) has a shorter context and no live
// and bump, which then read as no Base's choice (−1) and no bump.
func readPendingFixed(rd *bytes.Reader, base *vec, dim int, chosen, answered *int16, cost *float64, updated *uint64, live *int16, bump *float64) error {
	le := binary.LittleEndian
	if err := binary.Read(rd, le, base[:dim]); err != nil {
		return err
	}
	for _, v := range []any{chosen, answered, cost, updated} {
		if err := binary.Read(rd, le, v); err != nil {
			return err
		}
	}
	if dim < contextDim {
		*live, *bump = -1, 0
		return nil
	}
	if err := binary.Read(rd, le, live); err != nil {
		return err
	}
	return binary.Read(rd, le, bump)
}
