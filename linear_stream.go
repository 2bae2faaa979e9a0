package llmrouter

import (
	"math"
	"sync"
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
// counter array is 2 bytes a bucket (2 MB at 20 bits), pooled.
const streamMaxBits = 20

// streamMaxNGrams keeps every count within the uint16 counters.
const streamMaxNGrams = math.MaxUint16

// streamTab holds, for k < len, tf(k) − tf(k−1) and tf(k)² − tf(k−1)²
// (tf(0) = 0, so both are 1 at k = 1); larger k are computed.
var streamDTF, streamDN2 = func() (dtf, dn2 [256]float64) {
	for k := 1; k < len(dtf); k++ {
		dtf[k], dn2[k] = streamInc(k)
	}
	return
}()

// streamInc is the k-th occurrence's increment of tf and of tf².
func streamInc(k int) (dtf, dn2 float64) {
	tf := 1 + math.Log(float64(k))
	if k == 1 {
		return 1, 1
	}
	prev := 1 + math.Log(float64(k-1))
	return math.Log(float64(k)) - math.Log(float64(k-1)), tf*tf - prev*prev
}

// streamCounts is a pooled counter array; it is all zero between uses.
type streamCounts struct{ n []uint16 }

var streamPool = sync.Pool{New: func() any { return new(streamCounts) }}

// canStream reports whether streamScores serves c for n n-grams.
func (c *LinearClassifier) canStream(n int) bool {
	return c.cfg.HashBits <= streamMaxBits && n <= streamMaxNGrams && len(c.outputs) <= 16
}

// streamScores sets acc to the n-gram block's contribution for ngrams, as
// gather does (see the top of this file); canStream(len(ngrams)) must hold.
func (c *LinearClassifier) streamScores(ngrams []uint32, acc []float32) {
	s := streamPool.Get().(*streamCounts)
	if size := 1 << c.cfg.HashBits; len(s.n) < size {
		s.n = make([]uint16, size)
	}
	mask := uint32(1)<<c.cfg.HashBits - 1
	cnt := s.n[:mask+1]
	tab := c.table
	if len(acc) == 1 && c.stride == 2 && c.sparse == nil {
		// One output (the built-in model): no inner loop.
		var a, n2 float64
		for _, h := range ngrams {
			b := h & mask
			k := cnt[b] + 1
			cnt[b] = k
			r := tab[2*b : 2*b+2 : 2*b+2]
			idf := float64(r[0])
			var dtf, dn2 float64
			if k < uint16(len(streamDTF)) {
				dtf, dn2 = streamDTF[k], streamDN2[k]
			} else {
				dtf, dn2 = streamInc(int(k))
			}
			a += dtf * idf * float64(r[1])
			n2 += dn2 * idf * idf
		}
		if n2 > 0 {
			a /= math.Sqrt(n2)
		}
		acc[0] = float32(a)
	} else {
		var sum [16]float64
		out := sum[:len(acc)]
		var n2 float64
		st := c.stride
		sp := c.sparse
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
			var dtf, dn2 float64
			if k < uint16(len(streamDTF)) {
				dtf, dn2 = streamDTF[k], streamDN2[k]
			} else {
				dtf, dn2 = streamInc(int(k))
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
	for _, h := range ngrams {
		cnt[h&mask] = 0
	}
	streamPool.Put(s)
}
