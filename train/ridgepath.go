package train

import "sync"

// pathBuf is one output's scratch space for ridgePath. The seed penalty's
// vectors, which drive the Krylov process, are float64 and live in cg
// (which the final fit reuses): r the residual, ap the product, p and rhs
// the seed's direction and solution. The other penalties' solutions and
// directions only follow the seed's scalars and are kept in float32: on
// 2^18 buckets, six penalties in float64 took 24 MB an output.
type pathBuf struct {
	cg   cgBuf
	mu   []float64    // weighted column means
	x, p [][]float32  // per penalty but the seed: solution, search direction
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
	cg := &buf.cg
	cg.size(dim, d.idf != nil)
	act := cg.act[:0]
	var sw, swy float64
	for _, i := range rows {
		if w[i] != 0 {
			act = append(act, i)
			sw += w[i]
			swy += w[i] * y[i]
		}
	}
	cg.act = act
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
		buf.x = append(buf.x, nil)
		buf.p = append(buf.p, nil)
	}
	buf.zeta = buf.zeta[:0]
	r, q, x0, p0 := cg.r, cg.ap, cg.rhs, cg.p
	clear(r)
	clear(q)
	for _, i := range act {
		d.axpy(i, w[i]*(y[i]-ybar), r)
	}
	bb := dotf(r, r)
	live := make([]bool, len(lambdas))
	for k := range lambdas {
		if k == seed {
			clear(x0)
			copy(p0, r)
		} else {
			if len(buf.x[k]) != dim {
				buf.x[k], buf.p[k] = make([]float32, dim), make([]float32, dim)
			}
			clear(buf.x[k])
			for j, v := range r {
				buf.p[k][j] = float32(v)
			}
		}
		buf.zeta = append(buf.zeta, [2]float64{1, 1})
		live[k] = bb > 0
	}
	rr := bb
	aPrev, bPrev := 1.0, 0.0
	for it := 0; it < cgMaxIter && rr > tol*bb && bb > 0; it++ {
		pq := d.normal(act, w, p0, q, cg.u, mu, s0, s0)
		if pq <= 0 {
			break
		}
		a := rr / pq
		var rn float64
		for j := range r {
			r[j] -= a * q[j]
			q[j] = 0 // normal's out must be zero
			rn += r[j] * r[j]
		}
		b := rn / rr
		rr = rn
		// The shifted systems' residuals are ζ^σ·r: their steps follow
		// from the seed's α and β alone.
		for k := range lambdas {
			if !live[k] {
				continue
			}
			if k == seed {
				for j, pj := range p0 {
					x0[j] += a * pj
					p0[j] = r[j] + b*pj
				}
				continue
			}
			z := &buf.zeta[k]
			zPrev, zCur := z[0], z[1]
			sigma := lambdas[k] - s0
			zNext := zCur * zPrev * aPrev / (a*bPrev*(zPrev-zCur) + zPrev*aPrev*(1+sigma*a))
			ak := a * zNext / zCur
			z[0], z[1] = zCur, zNext
			ratio := zNext / zCur
			bk := b * ratio * ratio
			x, p := buf.x[k][:dim], buf.p[k][:dim]
			for j, pj := range p {
				x[j] += float32(ak * float64(pj))
				p[j] = float32(zNext*r[j] + bk*float64(pj))
			}
			if zNext*zNext*rr <= tol*bb {
				live[k] = false
			}
		}
		aPrev, bPrev = a, b
	}
	for k := range lambdas {
		x := x0
		if k != seed {
			x = q // free now
			for j, v := range buf.x[k][:dim] {
				x[j] = float64(v)
			}
		}
		x[dim-1] = ybar - dotf(mu, x)
		f(k, x)
	}
}

// tunePreds fits the outputs tuning scores (every model's, or the
// difficulty head alone) on rows for every λ and returns their predictions
// on test: pred[λ index][output][test row], in old's memory when it is
// that of an earlier call.
func tunePreds(d *design, pr *problem, rows, test []int, lambdas []float64, bufs chan *pathBuf, old [][][]float64) [][][]float64 {
	outs := len(pr.models)
	if pr.only {
		outs = 1
	}
	pred := old
	if len(pred) != len(lambdas) {
		pred = make([][][]float64, len(lambdas))
	}
	for k := range pred {
		if len(pred[k]) != outs {
			pred[k] = make([][]float64, outs)
		}
		for o := range pred[k] {
			if cap(pred[k][o]) < len(test) {
				pred[k][o] = make([]float64, len(test))
			}
			pred[k][o] = pred[k][o][:len(test)] // every row written below
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
