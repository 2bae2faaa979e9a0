package latency

import "slices"

// p2 estimates one quantile of a stream in constant memory with the P²
// algorithm (Jain and Chlamtac, 1985): five markers whose heights follow
// the quantile by piecewise-parabolic interpolation.
type p2 struct {
	p    float64
	n    int
	q    [5]float64 // marker heights
	pos  [5]float64 // marker positions, 1-based
	want [5]float64 // desired positions
	inc  [5]float64 // desired position increments per sample
}

func newP2(p float64) p2 {
	return p2{p: p, inc: [5]float64{0, p / 2, p, (1 + p) / 2, 1}}
}

func (e *p2) add(x float64) {
	if e.n < 5 {
		e.q[e.n] = x
		e.n++
		if e.n == 5 {
			slices.Sort(e.q[:])
			e.pos = [5]float64{1, 2, 3, 4, 5}
			e.want = [5]float64{1, 1 + 2*e.p, 1 + 4*e.p, 3 + 2*e.p, 5}
		}
		return
	}
	e.n++
	k := 0
	switch {
	case x < e.q[0]:
		e.q[0] = x
	case x >= e.q[4]:
		e.q[4] = x
		k = 3
	default:
		for k = 0; k < 3 && x >= e.q[k+1]; k++ {
		}
	}
	for i := k + 1; i < 5; i++ {
		e.pos[i]++
	}
	for i := range e.want {
		e.want[i] += e.inc[i]
	}
	for i := 1; i <= 3; i++ {
		d := e.want[i] - e.pos[i]
		if (d >= 1 && e.pos[i+1]-e.pos[i] > 1) || (d <= -1 && e.pos[i-1]-e.pos[i] < -1) {
			s := 1.0
			if d < 0 {
				s = -1
			}
			q := e.parabolic(i, s)
			if !(e.q[i-1] < q && q < e.q[i+1]) {
				j := i + int(s)
				q = e.q[i] + s*(e.q[j]-e.q[i])/(e.pos[j]-e.pos[i])
			}
			e.q[i] = q
			e.pos[i] += s
		}
	}
}

func (e *p2) parabolic(i int, s float64) float64 {
	q, n := &e.q, &e.pos
	return q[i] + s/(n[i+1]-n[i-1])*((n[i]-n[i-1]+s)*(q[i+1]-q[i])/(n[i+1]-n[i])+(n[i+1]-n[i]-s)*(q[i]-q[i-1])/(n[i]-n[i-1]))
}

// value returns the estimate: exact (nearest rank) below five samples.
func (e *p2) value() float64 {
	if e.n == 0 {
		return 0
	}
	if e.n < 5 {
		s := e.q
		slices.Sort(s[:e.n])
		r := int(e.p*float64(e.n)+0.999999) - 1
		return s[max(0, min(r, e.n-1))]
	}
	return e.q[2]
}
