package verify

// The answer's line hashes (verify-dense-1's repeated-line feature) are
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
	switch lh.np {
	case 4:
		b0, b1, b2, b3 := lh.bufs[0][:lh.k[0]], lh.bufs[1][:lh.k[1]], lh.bufs[2][:lh.k[2]], lh.bufs[3][:lh.k[3]]
		h0, h1, h2, h3 := lh.h[0], lh.h[1], lh.h[2], lh.h[3]
		m := min(len(b0), len(b1), len(b2), len(b3))
		c0, c1, c2, c3 := b0[:m], b1[:m], b2[:m], b3[:m]
		for i := range c0 {
			h0 = (h0 ^ uint32(c0[i])) * fnvPrime
			h1 = (h1 ^ uint32(c1[i:][0])) * fnvPrime
			h2 = (h2 ^ uint32(c2[i:][0])) * fnvPrime
			h3 = (h3 ^ uint32(c3[i:][0])) * fnvPrime
		}
		h0, h1 = fnvRun2(h0, b0[m:], h1, b1[m:])
		h2, h3 = fnvRun2(h2, b2[m:], h3, b3[m:])
		lh.h[0], lh.h[1], lh.h[2], lh.h[3] = h0, h1, h2, h3
	case 3:
		lh.h[0], lh.h[1] = fnvRun2(lh.h[0], lh.bufs[0][:lh.k[0]], lh.h[1], lh.bufs[1][:lh.k[1]])
		lh.h[2] = fnvRun(lh.h[2], lh.bufs[2][:lh.k[2]])
	case 2:
		lh.h[0], lh.h[1] = fnvRun2(lh.h[0], lh.bufs[0][:lh.k[0]], lh.h[1], lh.bufs[1][:lh.k[1]])
	case 1:
		lh.h[0] = fnvRun(lh.h[0], lh.bufs[0][:lh.k[0]])
	}
	for i := 0; i < lh.np; i++ {
		ls.add(lh.h[i], lh.n[i]+lh.k[i])
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

// fnvRun2 is fnvRun on two inputs at once.
func fnvRun2(h1 uint32, b1 []byte, h2 uint32, b2 []byte) (uint32, uint32) {
	n := min(len(b1), len(b2))
	c1, c2 := b1[:n], b2[:n]
	for i := range c1 {
		h1 = (h1 ^ uint32(c1[i])) * fnvPrime
		h2 = (h2 ^ uint32(c2[i:][0])) * fnvPrime
	}
	return fnvRun(h1, b1[n:]), fnvRun(h2, b2[n:])
}
