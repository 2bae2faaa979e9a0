package train

import (
	"math"
	"sync"

	"github.com/llmrouter/llmrouter/internal/linear"
)

// design is the weighted feature matrix of a trainMatrix for one (idf,
// dense weight) setting: columns 0..D-1 the buckets, then linear.NumDense dense
// columns, then the bias. An entry's value is tf·idf/‖row‖, computed from
// its code when read (see normal).
type design struct {
	m      *trainMatrix
	idf    []float32 // nil without idf
	mul    []float32 // idf, or ones
	inv    []float32 // per row: 1/‖row‖, or 1 for an empty row
	dz     [][linear.NumDense]float32
	dim    int
	maxIDF float32
	dmean  [linear.NumDense]float64
	dstd   [linear.NumDense]float64
	dw     float64
	bias   float64 // the bias column's value: 1, or 0 (left out) while tuning
}

// newDesign computes idf and dense standardisation on rows fit (the
// training rows) and the row norms of every row. It reuses old's per-row
// buffers when old is not nil; old must not be used after.
func newDesign(m *trainMatrix, fit []int, useIDF bool, dw float64, old *design) *design {
	D := 1 << m.bits
	d := &design{m: m, dim: D + linear.NumDense + 1, dw: dw, bias: 1}
	if old != nil && len(old.inv) == m.n {
		d.inv, d.dz = old.inv, old.dz
		clear(d.dz)
	} else {
		d.inv, d.dz = make([]float32, m.n), make([][linear.NumDense]float32, m.n)
	}
	n := float64(len(fit))
	d.maxIDF = float32(math.Log(1+n) + 1)
	if old != nil && len(old.mul) == D {
		d.mul = old.mul
	} else {
		d.mul = make([]float32, D)
	}
	if useIDF {
		df := make([]int32, D)
		mask := uint32(D - 1)
		for _, i := range fit {
			for _, e := range m.row(i) {
				df[e&mask]++
			}
		}
		d.idf = d.mul
		for b, c := range df {
			d.idf[b] = float32(math.Log((1+n)/(1+float64(c))) + 1)
		}
		if researchDesignHook != nil {
			researchDesignHook(d, fit)
		}
	} else {
		for b := range d.mul {
			d.mul[b] = 1
		}
	}
	for i := 0; i < m.n; i++ {
		var norm float32
		m.eachVal(i, d.mul, 1, func(_ uint32, v float32) { norm += v * v })
		d.inv[i] = 1
		if norm > 0 {
			d.inv[i] = float32(1 / math.Sqrt(float64(norm)))
		}
	}
	if dw > 0 {
		for _, i := range fit {
			for k, v := range m.dense[i] {
				d.dmean[k] += v
				d.dstd[k] += v * v
			}
		}
		for k := range d.dmean {
			d.dmean[k] /= n
			d.dstd[k] = math.Sqrt(math.Max(d.dstd[k]/n-d.dmean[k]*d.dmean[k], 0))
		}
		for i := 0; i < m.n; i++ {
			for k, v := range m.dense[i] {
				if d.dstd[k] > 0 {
					d.dz[i][k] = float32(dw * (v - d.dmean[k]) / d.dstd[k])
				}
			}
		}
	}
	return d
}

// eachVal calls f with each entry of row i: its bucket and tf·mul·inv.
// Not for the hot loops (a call per entry); see normal.
func (m *trainMatrix) eachVal(i int, mul []float32, inv float32, f func(b uint32, v float32)) {
	mask := uint32(1)<<m.bits - 1
	for _, e := range m.row(i) {
		b := e & mask
		v := m.tf(i, e) * mul[b]
		f(b, v*inv)
	}
}

// sparseDot is Σ tf·u[bucket] over row i's entries, in entry order, times
// the row's 1/‖row‖: x_i·v for the bucket columns when u = mul⊙v.
func (d *design) sparseDot(i int, u []float64) float64 {
	m := d.m
	bits, mask, tft := uint(m.bits)&31, uint32(1)<<m.bits-1, m.tfTab
	var s float64
	if tft == nil {
		for _, e := range m.row(i) {
			s += float64(m.tf(i, e)) * u[e&mask]
		}
	} else {
		for _, e := range m.row(i) {
			s += tft[(e>>bits)&(tfCodes-1)] * u[e&mask]
		}
	}
	return s * float64(d.inv[i])
}

// rowDot is sparseDot with two partial sums, even and odd entries: two
// independent chains of additions, which the CPU overlaps. A count-1
// entry is its bucket, of tf 1 (trainMatrix): no lookup.
func (d *design) rowDot(i int, u []float64) float64 {
	m := d.m
	bits, mask, tft := uint(m.bits)&31, uint32(1)<<m.bits-1, m.tfTab
	if tft == nil {
		return d.sparseDot(i, u)
	}
	ones, rest := m.rowParts(i)
	var s0, s1 float64
	for len(ones) >= 2 {
		s0 += u[ones[0]]
		s1 += u[ones[1]]
		ones = ones[2:]
	}
	if len(ones) > 0 {
		s0 += u[ones[0]]
	}
	for len(rest) >= 2 {
		e0, e1 := rest[0], rest[1]
		s0 += tft[(e0>>bits)&(tfCodes-1)] * u[e0&mask]
		s1 += tft[(e1>>bits)&(tfCodes-1)] * u[e1&mask]
		rest = rest[2:]
	}
	if len(rest) > 0 {
		e := rest[0]
		s0 += tft[(e>>bits)&(tfCodes-1)] * u[e&mask]
	}
	return (s0 + s1) * float64(d.inv[i])
}

// scatter adds a × row i's features to out, the bucket columns without
// their mul (normal applies it once to the sum).
func (d *design) scatter(i int, a float64, out []float64) {
	m := d.m
	bits, mask, tft := uint(m.bits)&31, uint32(1)<<m.bits-1, m.tfTab
	ai := a * float64(d.inv[i])
	if tft == nil {
		for _, e := range m.row(i) {
			out[e&mask] += ai * float64(m.tf(i, e))
		}
	} else {
		ones, rest := m.rowParts(i)
		for _, b := range ones {
			out[b] += ai
		}
		for _, e := range rest {
			out[e&mask] += ai * tft[(e>>bits)&(tfCodes-1)]
		}
	}
	d.scatterDense(i, a, out)
}

// scatterDense adds a × row i's dense features and bias to out.
func (d *design) scatterDense(i int, a float64, out []float64) {
	if d.dw > 0 {
		D := 1 << d.m.bits
		for k, z := range d.dz[i] {
			out[D+k] += a * float64(z)
		}
	}
	out[d.dim-1] += a * d.bias
}

// finishDot adds the dense block and the bias to row i's sparse sum.
func (d *design) finishDot(i int, s float64, beta []float64) float64 {
	if d.dw > 0 {
		D := 1 << d.m.bits
		for k, z := range d.dz[i] {
			s += float64(z) * beta[D+k]
		}
	}
	return s + d.bias*beta[d.dim-1]
}

// dot returns row i's features · beta. Not for the hot loops (it
// gathers mul per entry); see normal.
func (d *design) dot(i int, beta []float64) float64 {
	m := d.m
	bits, mask, tft, mul := uint(m.bits)&31, uint32(1)<<m.bits-1, m.tfTab, d.mul
	var s float64
	if tft == nil {
		for _, e := range m.row(i) {
			b := e & mask
			s += float64(m.tf(i, e)) * (float64(mul[b]) * beta[b])
		}
	} else {
		for _, e := range m.row(i) {
			b := e & mask
			s += tft[(e>>bits)&(tfCodes-1)] * (float64(mul[b]) * beta[b])
		}
	}
	return d.finishDot(i, s*float64(d.inv[i]), beta)
}

// axpy adds a × row i's features to out. Not for the hot loops; see
// normal.
func (d *design) axpy(i int, a float64, out []float64) {
	m := d.m
	bits, mask, tft, mul := uint(m.bits)&31, uint32(1)<<m.bits-1, m.tfTab, d.mul
	ai := a * float64(d.inv[i])
	if tft == nil {
		for _, e := range m.row(i) {
			b := e & mask
			out[b] += ai * float64(m.tf(i, e)) * float64(mul[b])
		}
	} else {
		for _, e := range m.row(i) {
			b := e & mask
			out[b] += ai * tft[(e>>bits)&(tfCodes-1)] * float64(mul[b])
		}
	}
	d.scatterDense(i, a, out)
}

// normal sets out, which must be zero, to the centred normal product
// (X'WX + s·I)v − sum·μ, sum = Σ w_i (x_i·v − c) over the rows act and
// c = μ·v (the bias column's shift sLast instead of s; μ nil: no
// centring), and returns v·out. An entry's value is tf·mul[bucket]/‖row‖;
// rather than store it (four bytes an entry, a third of training's
// memory) or gather mul per entry, normal gathers u = mul⊙v (u is scratch,
// used with idf only) and scales the summed updates by mul once, in the
// pass that adds the shift and takes v·out.
func (d *design) normal(act []int, w, v, out, u, mu []float64, s, sLast float64) float64 {
	D := len(d.mul)
	src := v
	var c float64
	if d.idf != nil {
		for j, m := range d.mul {
			u[j] = float64(m) * v[j]
		}
		copy(u[D:], v[D:])
		src = u
	}
	if mu != nil {
		c = dotf(mu, v)
	}
	var sum float64
	for _, i := range act {
		di := d.finishDot(i, d.rowDot(i, src), v) - c
		d.scatter(i, w[i]*di, out)
		sum += w[i] * di
	}
	var vo float64
	v, out = v[:len(out)], out[:len(v)]
	if mu != nil {
		mu = mu[:len(v)]
		for j, m := range d.mul {
			o := float64(m)*out[j] + s*v[j] - sum*mu[j]
			out[j] = o
			vo += v[j] * o
		}
		for j := D; j < len(v); j++ {
			sh := s
			if j == len(v)-1 {
				sh = sLast
			}
			o := out[j] + sh*v[j] - sum*mu[j]
			out[j] = o
			vo += v[j] * o
		}
		return vo
	}
	for j, m := range d.mul {
		o := float64(m)*out[j] + s*v[j]
		out[j] = o
		vo += v[j] * o
	}
	for j := D; j < len(v); j++ {
		sh := s
		if j == len(v)-1 {
			sh = sLast
		}
		o := out[j] + sh*v[j]
		out[j] = o
		vo += v[j] * o
	}
	return vo
}

// cgBuf is one fit's scratch space, reused from fit to fit.
type cgBuf struct {
	r, rhs, p, ap, u []float64 // dim each; u with idf only
	act              []int     // rows of nonzero weight
}

func (b *cgBuf) size(dim int, idf bool) {
	if len(b.r) != dim {
		b.r, b.rhs, b.p, b.ap = make([]float64, dim), make([]float64, dim), make([]float64, dim), make([]float64, dim)
	}
	if idf && len(b.u) != dim {
		b.u = make([]float64, dim)
	}
}

// ridge minimises Σ w_i (x_i·β − y_i)² + λ‖β‖² over rows (the bias is
// penalised by λ·1e-6 only) by conjugate gradients, starting from beta. y
// and w are indexed by row.
func (d *design) ridge(rows []int, y, w []float64, lambda float64, beta []float64, buf *cgBuf) {
	dim := d.dim
	buf.size(dim, d.idf != nil)
	act := buf.act[:0]
	for _, i := range rows {
		if w[i] != 0 {
			act = append(act, i)
		}
	}
	buf.act = act
	r, rhs, p, ap := buf.r, buf.rhs, buf.p, buf.ap
	clear(r)
	d.normal(act, w, beta, r, buf.u, nil, lambda, lambda*1e-6)
	var bb float64
	clear(rhs)
	for _, i := range act {
		d.axpy(i, w[i]*y[i], rhs)
	}
	for j := range r {
		r[j] = rhs[j] - r[j]
		bb += rhs[j] * rhs[j]
	}
	copy(p, r)
	clear(ap)
	rr := dotf(r, r)
	for it := 0; it < cgMaxIter && rr > cgTol*bb && bb > 0; it++ {
		pap := d.normal(act, w, p, ap, buf.u, nil, lambda, lambda*1e-6)
		if pap <= 0 {
			break
		}
		a := rr / pap
		var rn float64
		for j := range beta {
			beta[j] += a * p[j]
			r[j] -= a * ap[j]
			ap[j] = 0 // normal's out must be zero
			rn += r[j] * r[j]
		}
		beta2 := rn / rr
		rr = rn
		for j := range p {
			p[j] = r[j] + beta2*p[j]
		}
	}
}

func dotf(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// fitOutputs fits every output on rows (warm-started from betas, which it
// updates), in parallel, one goroutine per buffer of bufs at a time.
func fitOutputs(d *design, pr *problem, rows []int, lambda float64, betas [][]float64, bufs chan *cgBuf) {
	var wg sync.WaitGroup
	for o := range pr.y {
		buf := <-bufs
		wg.Add(1)
		go func(o int) {
			defer wg.Done()
			defer func() { bufs <- buf }()
			d.ridge(rows, pr.y[o], pr.w[o], lambda, betas[o], buf)
		}(o)
	}
	wg.Wait()
}
