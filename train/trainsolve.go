package train

import (
	"math"
	"sync"

	"github.com/llmrouter/llmrouter/internal/linear"
)

// design is the weighted feature matrix of a trainMatrix for one (idf,
// dense weight) setting: columns 0..D-1 the buckets, then linear.NumDense dense
// columns, then the bias. Each entry's value, tf·idf/‖row‖, is stored
// (four bytes an entry, in chunks that mirror the matrix's): the solver
// reads every value once per product, and computing them there took a
// third of training's time.
type design struct {
	m      *trainMatrix
	val    [][]float32 // per chunk of m.chunks: the entries' values
	idf    []float32   // nil without idf
	mul    []float32   // idf, or ones
	inv    []float32   // per row: 1/‖row‖, or 1 for an empty row
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
		d.inv, d.dz, d.val = old.inv, old.dz, old.val
		clear(d.dz)
	} else {
		d.inv, d.dz = make([]float32, m.n), make([][linear.NumDense]float32, m.n)
		d.val = make([][]float32, len(m.chunks))
		for k, c := range m.chunks {
			d.val[k] = make([]float32, len(c))
		}
	}
	n := float64(len(fit))
	d.maxIDF = float32(math.Log(1+n) + 1)
	d.mul = make([]float32, D)
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
		d.setVals(i)
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
// Not for the hot loops (a call per entry); see dot2 and axpy.
func (m *trainMatrix) eachVal(i int, mul []float32, inv float32, f func(b uint32, v float32)) {
	mask := uint32(1)<<m.bits - 1
	for _, e := range m.row(i) {
		b := e & mask
		v := m.tf(i, e) * mul[b]
		f(b, v*inv)
	}
}

// setVals stores row i's entry values, tf·mul·inv (tf·mul, then ·inv,
// in float32: the operations the trained models were pinned with).
func (d *design) setVals(i int) {
	m := d.m
	mask, tfs, mul, inv := uint32(1)<<m.bits-1, m.codeTF, d.mul, d.inv[i]
	vals := d.rowVals(i)
	for k, e := range m.row(i) {
		b := e & mask
		c := e >> m.bits
		var tf float32
		if c < uint32(len(tfs)) {
			tf = tfs[c]
		} else {
			tf = m.tf(i, e)
		}
		v := tf * mul[b]
		v *= inv
		vals[k] = v
	}
}

// rowVals returns row i's entry values.
func (d *design) rowVals(i int) []float32 {
	r := d.m.rows[i]
	return d.val[r.chunk][r.lo:r.hi]
}

// sparseDot is Σ val·beta[bucket] over row i's entries, in entry order.
func (d *design) sparseDot(i int, beta []float64) float64 {
	mask := uint32(1)<<d.m.bits - 1
	row := d.m.row(i)
	vals := d.rowVals(i)[:len(row)]
	var s float64
	for k, e := range row {
		s += float64(vals[k]) * beta[e&mask]
	}
	return s
}

// dot2 is the sparse sums of two rows given their values, interleaved:
// the two sums are independent chains of additions, so the CPU overlaps
// them, and each keeps its entry order, so each is that of sparseDot.
func (d *design) dot2(ri, rj []uint32, vi, vj []float32, beta []float64) (float64, float64) {
	mask := uint32(1)<<d.m.bits - 1
	n := min(len(ri), len(rj))
	vi, vj = vi[:len(ri)], vj[:len(rj)]
	var si, sj float64
	for k := 0; k < n; k++ {
		si += float64(vi[k]) * beta[ri[k]&mask]
		sj += float64(vj[k]) * beta[rj[k]&mask]
	}
	for k := n; k < len(ri); k++ {
		si += float64(vi[k]) * beta[ri[k]&mask]
	}
	for k := n; k < len(rj); k++ {
		sj += float64(vj[k]) * beta[rj[k]&mask]
	}
	return si, sj
}

// axpyVals is axpy given row i's values.
func (d *design) axpyVals(i int, a float64, vals []float32, out []float64) {
	m := d.m
	mask := uint32(1)<<m.bits - 1
	row := m.row(i)
	vals = vals[:len(row)]
	for k, e := range row {
		out[e&mask] += a * float64(vals[k])
	}
	D := 1 << m.bits
	if d.dw > 0 {
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

// dot returns row i's features · beta.
func (d *design) dot(i int, beta []float64) float64 {
	return d.finishDot(i, d.sparseDot(i, beta), beta)
}

// axpy adds a × row i's features to out.
func (d *design) axpy(i int, a float64, out []float64) {
	d.axpyVals(i, a, d.rowVals(i), out)
}

// cgBuf is one fit's scratch space, reused from fit to fit.
type cgBuf struct {
	r, rhs, p, ap []float64 // dim each
	act           []int     // rows of nonzero weight
}

func (b *cgBuf) size(dim int) {
	if len(b.r) != dim {
		b.r, b.rhs, b.p, b.ap = make([]float64, dim), make([]float64, dim), make([]float64, dim), make([]float64, dim)
	}
}

// ridge minimises Σ w_i (x_i·β − y_i)² + λ‖β‖² over rows (the bias is
// penalised by λ·1e-6 only) by conjugate gradients, starting from beta. y
// and w are indexed by row.
func (d *design) ridge(rows []int, y, w []float64, lambda float64, beta []float64, buf *cgBuf) {
	dim := d.dim
	buf.size(dim)
	act := buf.act[:0]
	for _, i := range rows {
		if w[i] != 0 {
			act = append(act, i)
		}
	}
	buf.act = act
	apply := func(v, out []float64) {
		for j := range out {
			out[j] = lambda * v[j]
		}
		out[dim-1] = lambda * 1e-6 * v[dim-1]
		d.addNormal(act, w, v, out, 0)
	}
	r, rhs, p, ap := buf.r, buf.rhs, buf.p, buf.ap
	apply(beta, r)
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
	rr := dotf(r, r)
	for it := 0; it < cgMaxIter && rr > cgTol*bb && bb > 0; it++ {
		apply(p, ap)
		pap := dotf(p, ap)
		if pap <= 0 {
			break
		}
		a := rr / pap
		for j := range beta {
			beta[j] += a * p[j]
			r[j] -= a * ap[j]
		}
		rn := dotf(r, r)
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
