package train

import "sync"

// pathBuf is one output's scratch space for ridgePath.
type pathBuf struct {
	r, q []float64    // seed residual and product
	act  []int        // rows of nonzero weight
	x, p [][]float64  // per penalty: solution, search direction
	mu   []float64    // weighted column means
	zeta [][2]float64 // per penalty: ζ_{k−1}, ζ_k
}

// ridgePath minimises Σ w_i (x_i·β + b − y_i)² + λ‖β‖², the intercept b
// free, over rows for every λ of lambdas at once, from β = 0, by
// multi-shift conjugate gradients (Jegerlehner 1996). With the intercept
// eliminated by centring (X − 1μ', μ the weighted column means, applied
// as a rank-one correction so X stays sparse), the system is
// (Xc'WXc + λI)β = Xc'W(y − ȳ), whose Krylov spaces do not depend on λ: one
// sequence of products, that of the smallest λ (the slowest to converge),
// serves every penalty, which only adds vector updates. A penalty's
// solution stops changing once its squared relative residual meets tol. The final fit's
// bias penalty, λ·1e-6, is left out here: it moves nothing tuning sees.
// It calls f with each λ's index and solution (the bias in the last
// column), which f must not keep. d.bias must be 0 (the bias column out).
func (d *design) ridgePath(rows []int, y, w []float64, lambdas []float64, tol float64, buf *pathBuf, f func(k int, beta []float64)) {
	dim := d.dim
	if len(buf.r) != dim {
		buf.r, buf.q = make([]float64, dim), make([]float64, dim)
	}
	act := buf.act[:0]
	var sw, swy float64
	for _, i := range rows {
		if w[i] != 0 {
			act = append(act, i)
			sw += w[i]
			swy += w[i] * y[i]
		}
	}
	buf.act = act
	if len(buf.mu) != dim {
		buf.mu = make([]float64, dim)
	}
	mu := buf.mu
	clear(mu)
	ybar := 0.0
	if sw > 0 {
		ybar = swy / sw
		for _, i := range act {
			d.axpy(i, w[i]/sw, mu)
		}
	}
	seed := 0
	for k, l := range lambdas {
		if l < lambdas[seed] {
			seed = k
		}
	}
	s0 := lambdas[seed]
	for len(buf.x) < len(lambdas) {
		buf.x = append(buf.x, make([]float64, dim))
		buf.p = append(buf.p, make([]float64, dim))
	}
	buf.zeta = buf.zeta[:0]
	r, q := buf.r, buf.q
	clear(r)
	for _, i := range act {
		d.axpy(i, w[i]*(y[i]-ybar), r)
	}
	bb := dotf(r, r)
	live := make([]bool, len(lambdas))
	for k := range lambdas {
		clear(buf.x[k][:dim])
		copy(buf.p[k][:dim], r)
		buf.zeta = append(buf.zeta, [2]float64{1, 1})
		live[k] = bb > 0
	}
	rr := bb
	aPrev, bPrev := 1.0, 0.0
	for it := 0; it < cgMaxIter && rr > tol*bb && bb > 0; it++ {
		p0 := buf.p[seed][:dim]
		for j := range q {
			q[j] = s0 * p0[j]
		}
		sum := d.addNormal(act, w, p0, q, dotf(mu, p0))
		for j := range q {
			q[j] -= sum * mu[j]
		}
		pq := dotf(p0, q)
		if pq <= 0 {
			break
		}
		a := rr / pq
		for j := range r {
			r[j] -= a * q[j]
		}
		rn := dotf(r, r)
		b := rn / rr
		rr = rn
		// The shifted systems' residuals are ζ^σ·r: their steps follow
		// from the seed's α and β alone.
		for k := range lambdas {
			if !live[k] {
				continue
			}
			z := &buf.zeta[k]
			zPrev, zCur := z[0], z[1]
			zNext, ak := 1.0, a
			if k != seed {
				sigma := lambdas[k] - s0
				zNext = zCur * zPrev * aPrev / (a*bPrev*(zPrev-zCur) + zPrev*aPrev*(1+sigma*a))
				ak = a * zNext / zCur
			}
			z[0], z[1] = zCur, zNext
			ratio := zNext / zCur
			bk := b * ratio * ratio
			x, p := buf.x[k][:dim], buf.p[k][:dim]
			for j, pj := range p {
				x[j] += ak * pj
				p[j] = zNext*r[j] + bk*pj
			}
			if k != seed && zNext*zNext*rr <= tol*bb {
				live[k] = false
			}
		}
		aPrev, bPrev = a, b
	}
	for k := range lambdas {
		x := buf.x[k][:dim]
		x[dim-1] = ybar - dotf(mu, x)
		f(k, x)
	}
}

// addNormal adds Σ w_i (x_i·v − c) x_i over the rows act to out and
// returns Σ w_i (x_i·v − c): X'WX·v for c = 0; ridgePath's centring
// passes c = μ·v. A dot product reads v only, so row j's is taken with
// row i's, before i updates out: the updates keep the row order.
func (d *design) addNormal(act []int, w, v, out []float64, c float64) float64 {
	var sum float64
	k := 0
	for ; k+1 < len(act); k += 2 {
		i, j := act[k], act[k+1]
		vi, vj := d.rowVals(i), d.rowVals(j)
		si, sj := d.dot2(d.m.row(i), d.m.row(j), vi, vj, v)
		di, dj := d.finishDot(i, si, v)-c, d.finishDot(j, sj, v)-c
		d.axpyVals(i, w[i]*di, vi, out)
		d.axpyVals(j, w[j]*dj, vj, out)
		sum += w[i]*di + w[j]*dj
	}
	if k < len(act) {
		i := act[k]
		di := d.dot(i, v) - c
		d.axpy(i, w[i]*di, out)
		sum += w[i] * di
	}
	return sum
}

// tunePreds fits the outputs tuning scores (every model's, or the
// difficulty head alone) on rows for every λ and returns their predictions
// on test: pred[λ index][output][test row].
func tunePreds(d *design, pr *problem, rows, test []int, lambdas []float64, bufs chan *pathBuf) [][][]float64 {
	outs := len(pr.models)
	if pr.only {
		outs = 1
	}
	pred := make([][][]float64, len(lambdas))
	for k := range pred {
		pred[k] = make([][]float64, outs)
		for o := range pred[k] {
			pred[k][o] = make([]float64, len(test))
		}
	}
	var wg sync.WaitGroup
	for o := range outs {
		buf := <-bufs
		wg.Add(1)
		go func(o int) {
			defer wg.Done()
			defer func() { bufs <- buf }()
			d.ridgePath(rows, pr.y[o], pr.w[o], lambdas, tuneTol, buf, func(k int, beta []float64) {
				b := beta[d.dim-1]
				for t, i := range test {
					pred[k][o][t] = d.dot(i, beta) + b
				}
			})
		}(o)
	}
	wg.Wait()
	return pred
}
