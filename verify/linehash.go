package verify

// The answer's line hashes of verify-dense-1 (scanAnswer1's repeated-line
// feature) are
// FNV-1a: one chain of dependent multiplies per line, the scan's largest
// single cost when hashed byte by byte. The scan instead copies each
// line's hashed bytes into a buffer and lineHasher hashes finished lines
// four at a time, four independent chains in one loop, then adds them to
// the lineSet in order.

const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
	symFlush  = 480 // a buffer's fill level at which a long line's bytes are hashed
	hashWays  = 4
)

// symBuf has 8 bytes more than symMask indexes, so an 8-byte store at
// any index it masks fits without a bounds check.
type symBuf = [symMask + 1 + 8]byte

// symMask bounds a symBuf index (the fill never passes symFlush+17).
const symMask = 511

// lineHasher holds up to hashWays-1 finished lines waiting to be hashed
// and the current line (in bufs[np]).
type lineHasher struct {
	bufs [hashWays]symBuf
	np   int // finished lines waiting: bufs[0:np]
	// the waiting lines' hashes so far (of bytes flushed before), bytes
	// hashed so far and bytes waiting in their buffers
	h    [hashWays]uint32
	n, k [hashWays]int
}

// end ends the current line (hash so far h, n bytes hashed, k waiting in
// bufs[np]) and returns the buffer to fill next.
func (lh *lineHasher) end(ls *lineSet, h uint32, n, k int) *symBuf {
	if n+k == 0 {
		// An empty line only counts: it neither hashes nor compares, so
		// adding it before the lines still waiting changes nothing.
		ls.lines++
		return &lh.bufs[lh.np]
	}
	i := lh.np
	lh.h[i], lh.n[i], lh.k[i] = h, n, k
	lh.np++
	if lh.np == hashWays {
		lh.flush(ls)
	}
	return &lh.bufs[lh.np]
}

// flush hashes the waiting lines and adds them in order.
func (lh *lineHasher) flush(ls *lineSet) {
	// Buffers are indexed i&symMask (i < symFlush+17 <= symMask, so the
	// mask changes nothing): that needs no bounds check per byte.
	switch lh.np {
	case 4:
		p0, p1, p2, p3 := &lh.bufs[0], &lh.bufs[1], &lh.bufs[2], &lh.bufs[3]
		k0, k1, k2, k3 := lh.k[0], lh.k[1], lh.k[2], lh.k[3]
		h0, h1, h2, h3 := lh.h[0], lh.h[1], lh.h[2], lh.h[3]
		m := min(k0, k1, k2, k3)
		for i := 0; i < m; i++ {
			h0 = (h0 ^ uint32(p0[i&symMask])) * fnvPrime
			h1 = (h1 ^ uint32(p1[i&symMask])) * fnvPrime
			h2 = (h2 ^ uint32(p2[i&symMask])) * fnvPrime
			h3 = (h3 ^ uint32(p3[i&symMask])) * fnvPrime
		}
		h0, h1 = fnvPair(h0, p0, k0, h1, p1, k1, m)
		h2, h3 = fnvPair(h2, p2, k2, h3, p3, k3, m)
		lh.h[0], lh.h[1], lh.h[2], lh.h[3] = h0, h1, h2, h3
	case 3:
		lh.h[0], lh.h[1] = fnvPair(lh.h[0], &lh.bufs[0], lh.k[0], lh.h[1], &lh.bufs[1], lh.k[1], 0)
		lh.h[2] = fnvRun(lh.h[2], lh.bufs[2][:lh.k[2]])
	case 2:
		lh.h[0], lh.h[1] = fnvPair(lh.h[0], &lh.bufs[0], lh.k[0], lh.h[1], &lh.bufs[1], lh.k[1], 0)
	case 1:
		lh.h[0] = fnvRun(lh.h[0], lh.bufs[0][:lh.k[0]])
	}
	for i := 0; i < lh.np; i++ {
		ls.add(uint64(lh.h[i]), lh.n[i]+lh.k[i])
	}
	lh.np = 0
}

// fnvRun continues the FNV-1a hash h over b.
func fnvRun(h uint32, b []byte) uint32 {
	for _, c := range b {
		h = (h ^ uint32(c)) * fnvPrime
	}
	return h
}

// fnvPair continues h1 over p1[i:k1] and h2 over p2[i:k2], two chains at
// once.
func fnvPair(h1 uint32, p1 *symBuf, k1 int, h2 uint32, p2 *symBuf, k2 int, i int) (uint32, uint32) {
	n := min(k1, k2)
	j := i
	for ; j < n; j++ {
		h1 = (h1 ^ uint32(p1[j&symMask])) * fnvPrime
		h2 = (h2 ^ uint32(p2[j&symMask])) * fnvPrime
	}
	for k := j; k < k1; k++ {
		h1 = (h1 ^ uint32(p1[k&symMask])) * fnvPrime
	}
	for k := j; k < k2; k++ {
		h2 = (h2 ^ uint32(p2[k&symMask])) * fnvPrime
	}
	return h1, h2
}
