package llmrouter

import (
	"math"
	"runtime"
	"sync/atomic"
	"unsafe"
)

// The classifier's hot path, one pass over the n-grams: a per-bucket
// counter array indexed by the bucket itself (no hash table, no second
// pass over distinct buckets). The k-th occurrence of a bucket adds the
// increment of its tf weight, tf(k) − tf(k−1) with tf(k) = 1 + ln k, times
// idf·w to each output, and tf(k)² − tf(k−1)² times idf² to the squared
// norm, so the sums telescope to what gather computes from final counts:
// the same definition, summed in another order and in float64, so results
// match gather's float32 sums to about 1e-6 rather than bit for bit
// (TestStreamMatchesGather). gather (linear_gather.go) stays the reference
// twin and serves models with more than streamMaxBits hash bits, so a
// model predicts the same whether it was loaded dense or sparse.

// streamMaxBits bounds the hash bits of a model the stream serves: its
// counter array is 2 bytes a bucket (128 KB for the built-in model's 16
// bits, 512 KB at 18, train's default), kept per P (streamFree); larger
// models take gather, whose table grows with the prompt, not the model.
const streamMaxBits = 18

// streamMaxNGrams keeps every count within the uint16 counters.
const streamMaxNGrams = math.MaxUint16

// streamTab holds, for k < 256, tf(k) − tf(k−1) and tf(k)² − tf(k−1)²
// (tf(0) = 0, so both are 1 at k = 1); streamInc computes larger k.
var streamTab = func() (t [256][2]float64) {
	for k := 1; k < len(t); k++ {
		t[k][0], t[k][1] = streamInc(uint16(k))
	}
	return
}()

// streamInc is the k-th occurrence's increment of tf and of tf².
func streamInc(k uint16) (dtf, dn2 float64) {
	if k == 1 {
		return 1, 1
	}
	l, p := math.Log(float64(k)), math.Log(float64(k-1))
	return l - p, (l - p) * (2 + l + p) // (1+l)² − (1+p)²
}

// streamCounts is a counter array; it is all zero between uses.
type streamCounts struct{ n []uint16 }

// streamFree keeps counter arrays between uses, in slots (one cache line
// each) that garbage collection does not empty, as it empties a
// sync.Pool: a 128 KB array made anew after every collection churned the
// heap, which then collected more often (under -race, where a pool also
// drops a quarter of what it is given, Route allocated twice). There is a
// slot per P (at least 8, at most 64), since an array is held only while
// one Classify runs; arrays are made on demand, so memory follows the peak
// number of concurrent calls: 2 bytes per hash bucket each (128 KB for the
// built-in model, 512 KB for 18 bits). Calls beyond the slots make their own.
var streamFree = make([]struct {
	p atomic.Pointer[streamCounts]
	_ [56]byte
}, streamSlots(runtime.GOMAXPROCS(0)))

// streamSlots is the number of counter slots kept for procs Ps.
func streamSlots(procs int) int {
	return min(max(procs, 8), 64)
}

// getCounts returns a zero counter array of at least size counters; hint
// spreads concurrent callers over the slots.
func getCounts(size int, hint uint32) *streamCounts {
	for i := range streamFree {
		// In uint32: int(hint) is negative for half the hints where int
		// has 32 bits.
		slot := &streamFree[(hint+uint32(i))%uint32(len(streamFree))].p
		if s := slot.Load(); s != nil && slot.CompareAndSwap(s, nil) {
			if len(s.n) >= size {
				return s
			}
			break // a smaller model's: replace it
		}
	}
	return &streamCounts{n: make([]uint16, size)}
}

// putCounts keeps s, all zero, for a later getCounts, if a slot is free.
func putCounts(s *streamCounts, hint uint32) {
	for i := range streamFree {
		// In uint32: int(hint) is negative for half the hints where int
		// has 32 bits.
		slot := &streamFree[(hint+uint32(i))%uint32(len(streamFree))].p
		if slot.Load() == nil && slot.CompareAndSwap(nil, s) {
			return
		}
	}
}

// canStream reports whether streamScores serves c for n n-grams.
func (c *LinearClassifier) canStream(n int) bool {
	return c.cfg.HashBits <= streamMaxBits && n <= streamMaxNGrams && len(c.outputs) <= 16
}

// streamScores sets acc to the n-gram block's contribution for ngrams, as
// gather does (see the top of this file); canStream(len(ngrams)) must hold.
func (c *LinearClassifier) streamScores(ngrams []uint32, acc []float32) {
	// Put back only after a normal return: the counters are then zero.
	var hint uint32
	if len(ngrams) > 0 {
		hint = ngrams[0]
	}
	s := getCounts(1<<c.cfg.HashBits, hint)
	mask := uint32(1)<<c.cfg.HashBits - 1
	cnt := s.n[:mask+1]
	if len(acc) > 1 || c.stride != 2 || c.sparse != nil {
		c.streamRows(cnt, ngrams, mask, acc)
		for _, h := range ngrams {
			cnt[h&mask] = 0
		}
		putCounts(s, hint)
		return
	}
	// One output (the built-in model): no inner loop.
	var a, n2 float64
	if mask == 1<<16-1 {
		cnt16 := (*[1 << 16]uint16)(cnt)
		a, n2 = streamOne16(cnt16, (*[2 << 16]float32)(c.table), ngrams)
		clearCounts16(cnt16, ngrams)
	} else {
		a, n2 = streamOne(cnt, c.table, ngrams, mask)
		for _, h := range ngrams {
			cnt[h&mask] = 0
		}
	}
	putCounts(s, hint)
	if n2 > 0 {
		a /= math.Sqrt(n2)
	}
	acc[0] = float32(a)
}

// streamRows is the stream of any number of outputs (≤ 16) over a dense
// or sparse table.
func (c *LinearClassifier) streamRows(cnt []uint16, ngrams []uint32, mask uint32, acc []float32) {
	var sum [16]float64
	out := sum[:len(acc)]
	var n2 float64
	st := c.stride
	tab, sp := c.table, c.sparse
	for _, h := range ngrams {
		b := h & mask
		k := cnt[b] + 1
		cnt[b] = k
		var row []float32
		if sp != nil {
			row = sp.row(b)
		} else {
			i := int(b) * st
			row = tab[i : i+st : i+st]
		}
		idf := float64(row[0])
		t := &streamTab[k&255]
		dtf, dn2 := t[0], t[1]
		if k > 255 {
			dtf, dn2 = streamInc(k)
		}
		v := dtf * idf
		n2 += dn2 * idf * idf
		w := row[1:]
		for o := range out {
			out[o] += v * float64(w[o])
		}
	}
	inv := 1.0
	if n2 > 0 {
		inv = 1 / math.Sqrt(n2)
	}
	for o := range acc {
		acc[o] = float32(out[o] * inv)
	}
}

// streamOne is the stream of one output over a dense table (stride 2):
// the dot product and squared norm, unscaled. Two chains of sums halve
// the wait on float additions.
func streamOne(cnt []uint16, tab []float32, ngrams []uint32, mask uint32) (a, n2 float64) {
	var a1, n21 float64
	i := 0
	for ; i+1 < len(ngrams); i += 2 {
		b0 := ngrams[i] & mask
		k0 := cnt[b0] + 1
		cnt[b0] = k0
		b1 := ngrams[i+1] & mask
		k1 := cnt[b1] + 1
		cnt[b1] = k1
		r0 := tab[2*b0 : 2*b0+2 : 2*b0+2]
		r1 := tab[2*b1 : 2*b1+2 : 2*b1+2]
		t0 := &streamTab[k0&255]
		d0, e0 := t0[0], t0[1]
		if k0 > 255 {
			d0, e0 = streamInc(k0)
		}
		t1 := &streamTab[k1&255]
		d1, e1 := t1[0], t1[1]
		if k1 > 255 {
			d1, e1 = streamInc(k1)
		}
		idf0, idf1 := float64(r0[0]), float64(r1[0])
		a += d0 * idf0 * float64(r0[1])
		a1 += d1 * idf1 * float64(r1[1])
		n2 += e0 * idf0 * idf0
		n21 += e1 * idf1 * idf1
	}
	if i < len(ngrams) {
		b := ngrams[i] & mask
		k := cnt[b] + 1
		cnt[b] = k
		r := tab[2*b : 2*b+2 : 2*b+2]
		t := &streamTab[k&255]
		d, e := t[0], t[1]
		if k > 255 {
			d, e = streamInc(k)
		}
		idf := float64(r[0])
		a += d * idf * float64(r[1])
		n2 += e * idf * idf
	}
	return a + a1, n2 + n21
}

// streamOne16 is streamOne for 16 hash bits (the built-in model), on
// arrays the compiler needs no bounds checks for. Its loop makes no call
// (a call there made the compiler keep the four sums on the stack): it
// stops where a bucket may reach its 255th occurrence, and
// streamOne16Tail goes on from there in the same order, so the sums are
// the same bits.
func streamOne16(cnt *[1 << 16]uint16, tab *[2 << 16]float32, ngrams []uint32) (a, n2 float64) {
	var a1, n21 float64
	// The nil checks before the loop, the increments' table as a value
	// (as a global its address was formed anew each turn), the n-grams
	// read through a pointer (no bounds checks), the buckets as ints and
	// a bucket's row as a pointer (one address for its two numbers).
	st := streamTabP
	_, _, _ = cnt[0], tab[0], st[0]
	p, tp := unsafe.Pointer(unsafe.SliceData(ngrams)), unsafe.Pointer(tab)
	k, pairs := 0, len(ngrams)/2
	for ; k < pairs; k++ {
		pair := loadPair(p, 2*k)
		b0, b1 := int(uint16(pair)), int(uint16(pair>>32))
		// The rows' offsets in tab, from pair (as b0<<3 the compiler made
		// them an index times 8 and formed each address twice).
		o0, o1 := int(pair<<3&(1<<19-8)), int(pair>>29&(1<<19-8))
		c0, c1 := cnt[b0], cnt[b1]
		if c0|c1 >= 254 {
			break // k could pass 255: streamInc's (or both are large)
		}
		k0 := c0 + 1
		cnt[b0] = k0
		k1 := cnt[b1] + 1 // b1 may be b0
		cnt[b1] = k1
		t0, t1 := &st[uint8(k0)], &st[uint8(k1)]
		d0, e0 := t0[0], t0[1]
		d1, e1 := t1[0], t1[1]
		idf0 := float64(*(*float32)(unsafe.Add(tp, o0)))
		idf1 := float64(*(*float32)(unsafe.Add(tp, o1)))
		a += d0 * idf0 * float64(*(*float32)(unsafe.Add(tp, o0+4)))
		a1 += d1 * idf1 * float64(*(*float32)(unsafe.Add(tp, o1+4)))
		n2 += e0 * idf0 * idf0
		n21 += e1 * idf1 * idf1
	}
	return streamOne16Tail(cnt, tab, ngrams[2*k:], a, a1, n2, n21)
}

// clearCounts16 zeroes the counters of ngrams' buckets, two n-grams a
// turn.
func clearCounts16(cnt *[1 << 16]uint16, ngrams []uint32) {
	_ = cnt[0] // the nil check, before the loop
	p := unsafe.Pointer(unsafe.SliceData(ngrams))
	k, pairs := 0, len(ngrams)/2
	for ; k < pairs; k++ {
		pair := loadPair(p, 2*k)
		cnt[uint16(pair)] = 0
		cnt[uint16(pair>>32)] = 0
	}
	if 2*k < len(ngrams) {
		cnt[uint16(ngrams[2*k])] = 0
	}
}

// loadPair returns the uint32s at p[i] and p[i+1] as the low and high
// halves of a uint64: on amd64 (and other targets with unaligned loads)
// the compiler makes it one load, and elsewhere two, so that the pair's
// 8-byte alignment does not matter.
func loadPair(p unsafe.Pointer, i int) uint64 {
	return uint64(*(*uint32)(unsafe.Add(p, 4*i))) | uint64(*(*uint32)(unsafe.Add(p, 4*i+4)))<<32
}

// streamTabP is &streamTab, which streamOne16 holds in a register.
var streamTabP = &streamTab

// streamOne16Tail is streamOne16 from where its loop stopped: pairs of
// n-grams into the same two chains of sums, then an odd last one.
func streamOne16Tail(cnt *[1 << 16]uint16, tab *[2 << 16]float32, ngrams []uint32, a, a1, n2, n21 float64) (float64, float64) {
	i := 0
	for ; i+1 < len(ngrams); i += 2 {
		b0 := uint16(ngrams[i])
		k0 := cnt[b0] + 1
		cnt[b0] = k0
		b1 := uint16(ngrams[i+1])
		k1 := cnt[b1] + 1
		cnt[b1] = k1
		j0, j1 := 2*uint32(b0), 2*uint32(b1)
		t0 := &streamTab[k0&255]
		d0, e0 := t0[0], t0[1]
		if k0 > 255 {
			d0, e0 = streamInc(k0)
		}
		t1 := &streamTab[k1&255]
		d1, e1 := t1[0], t1[1]
		if k1 > 255 {
			d1, e1 = streamInc(k1)
		}
		idf0, idf1 := float64(tab[j0]), float64(tab[j1])
		a += d0 * idf0 * float64(tab[j0+1])
		a1 += d1 * idf1 * float64(tab[j1+1])
		n2 += e0 * idf0 * idf0
		n21 += e1 * idf1 * idf1
	}
	if i < len(ngrams) {
		b := uint16(ngrams[i])
		k := cnt[b] + 1
		cnt[b] = k
		j := 2 * uint32(b)
		t := &streamTab[k&255]
		d, e := t[0], t[1]
		if k > 255 {
			d, e = streamInc(k)
		}
		idf := float64(tab[j])
		a += d * idf * float64(tab[j+1])
		n2 += e * idf * idf
	}
	return a + a1, n2 + n21
}
