package llmrouter

import (
	"math"

	"github.com/llmrouter/llmrouter/internal/linear"
)

// The classifier's hot path for a prompt of up to gatherMax n-grams (about
// 1.5 KB of English text): the distinct buckets are counted in a table on
// the stack, then each one's row is read once. It computes exactly what
// accumulate does — the same buckets, summed in the same order (first
// occurrence), in float32 — so predictions are bit-identical.

// gatherMax bounds the n-grams the stack table takes; gatherSlots keeps its
// load at most 1/4, so that almost every probe ends at its first slot and
// the insert needs no branch on whether the bucket is new.
const (
	gatherMax   = 512
	gatherSlots = 2048
)

type gatherTable struct {
	keys   [gatherSlots]uint32 // bucket+1; 0 = empty
	counts [gatherSlots]uint16
	used   [gatherMax]uint16 // occupied slots, in insertion order
}

// gatherScores sets acc to the n-gram block's contribution for ngrams
// (len ≤ gatherMax), as Counter.Count then accumulate would.
func (c *LinearClassifier) gatherScores(ngrams []uint32, acc []float32) {
	var t gatherTable
	const shift = 32 - 11 // log2(gatherSlots) = 11
	mask := uint32(1)<<c.cfg.HashBits - 1
	n := 0
	for _, h := range ngrams {
		key := h&mask + 1
		i := linear.Slot(key-1, shift)
		for k := t.keys[i]; k != 0 && k != key; k = t.keys[i] {
			i = (i + 1) & (gatherSlots - 1)
		}
		isNew := 0
		if t.keys[i] == 0 {
			isNew = 1
		}
		t.keys[i] = key
		t.counts[i]++
		t.used[n&(gatherMax-1)] = uint16(i)
		n += isNew
	}
	used := t.used[:n]
	if c.sparse == nil && len(acc) == 1 && c.stride == 2 {
		// One output over a dense table (the built-in model): no inner loop.
		tab := c.table
		var a, norm float32
		for _, slot := range used {
			slot &= gatherSlots - 1
			b := int(t.keys[slot] - 1)
			r := tab[2*b : 2*b+2 : 2*b+2]
			v := linear.TF(uint32(t.counts[slot])) * r[0]
			norm += v * v
			a += v * r[1]
		}
		if norm > 0 {
			a *= float32(1 / math.Sqrt(float64(norm)))
		}
		acc[0] = a
		return
	}
	for o := range acc {
		acc[o] = 0
	}
	var norm float32
	st := c.stride
	for _, slot := range used {
		slot &= gatherSlots - 1
		row := c.row(t.keys[slot]-1, st)
		v := linear.TF(uint32(t.counts[slot])) * row[0]
		norm += v * v
		w := row[1:]
		for o := range acc {
			acc[o] += v * w[o]
		}
	}
	if norm > 0 {
		inv := float32(1 / math.Sqrt(float64(norm)))
		for o := range acc {
			acc[o] *= inv
		}
	}
}
