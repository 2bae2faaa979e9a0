package llmrouter

import (
	"math"
	"math/bits"
	"sync"

	"github.com/llmrouter/llmrouter/internal/linear"
)

// The classifier's hot path: the distinct buckets of the n-grams are
// counted in an open-addressing table kept at load at most 1/4, so that
// almost every probe ends at its first slot and the insert needs no branch
// on whether the bucket is new; then each bucket's row is read once. It
// computes exactly what Counter.Count and accumulate do — the same
// buckets, summed in the same order (first occurrence), in float32 — so
// predictions are bit-identical.

// gatherMax bounds the n-grams the table on the stack takes (about 1.5 KB
// of English text); gatherBigMax those a pooled table takes (16-bit slot
// indices and counts), past which Classify falls back to linear.Counter.
const (
	gatherMax    = 512
	gatherSlots  = 4 * gatherMax
	gatherBigMax = 1 << 14
)

type gatherTable struct {
	keys   [gatherSlots]uint32 // bucket+1; 0 = empty
	counts [gatherSlots]uint16
	used   [gatherMax]uint16 // occupied slots, in insertion order
}

var gatherPool = sync.Pool{New: func() any { return new(gatherTable) }}

// clear empties the used slots.
func (t *gatherTable) clear(used []uint16) {
	for _, slot := range used {
		slot &= gatherSlots - 1
		t.keys[slot], t.counts[slot] = 0, 0
	}
}

// gatherSpace is a pooled gatherTable for up to gatherBigMax n-grams; its
// keys and counts are zero between uses.
type gatherSpace struct {
	keys   []uint32
	counts []uint16
	used   []uint16
}

// gatherScores sets acc to the n-gram block's contribution for ngrams
// (len ≤ gatherMax), as Counter.Count then accumulate would.
func (c *LinearClassifier) gatherScores(ngrams []uint32, acc []float32) {
	// gather's loops with constant table sizes, which the compiler turns
	// into cheaper code: Route on 1 KB prompts is about 10% faster so.
	// The table is pooled and emptied by its used slots: zeroing its 13 KB
	// on the stack took a fifth of the classifier's time.
	t := gatherPool.Get().(*gatherTable)
	defer gatherPool.Put(t)
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
		t.clear(used)
		return
	}
	c.gatherRows(t.keys[:], t.counts[:], used, acc)
	t.clear(used)
}

// gatherScoresBig is gatherScores for gatherMax < len(ngrams) ≤
// gatherBigMax, in g's table.
func (c *LinearClassifier) gatherScoresBig(g *gatherSpace, ngrams []uint32, acc []float32) {
	size := gatherSlots
	for size < 4*len(ngrams) {
		size *= 2
	}
	if len(g.keys) < size {
		g.keys = make([]uint32, size)
		g.counts = make([]uint16, size)
		g.used = make([]uint16, size/4)
	}
	keys, counts := g.keys[:size], g.counts[:size]
	n := c.gather(ngrams, keys, counts, g.used[:size/4], acc)
	for _, slot := range g.used[:n] {
		keys[slot], counts[slot] = 0, 0
	}
}

// gather counts ngrams into the zeroed table keys/counts (a power of two
// at least 4·len(ngrams) slots; used a power of two at least len(ngrams))
// and sets acc; it returns how many slots it used (listed in used).
func (c *LinearClassifier) gather(ngrams, keys []uint32, counts, used []uint16, acc []float32) int {
	size := uint32(len(keys))
	shift := uint(32 - bits.TrailingZeros32(size))
	slotMask := size - 1
	counts = counts[:size]
	usedMask := len(used) - 1
	mask := uint32(1)<<c.cfg.HashBits - 1
	n := 0
	for _, h := range ngrams {
		key := h&mask + 1
		i := linear.Slot(key-1, shift) & slotMask
		for k := keys[i]; k != 0 && k != key; k = keys[i&slotMask] {
			i = (i + 1) & slotMask
		}
		i &= slotMask
		isNew := 0
		if keys[i] == 0 {
			isNew = 1
		}
		keys[i] = key
		counts[i]++
		used[n&usedMask] = uint16(i)
		n += isNew
	}
	if c.sparse == nil && len(acc) == 1 && c.stride == 2 {
		// One output over a dense table (the built-in model): no inner loop.
		tab := c.table
		var a, norm float32
		for _, slot := range used[:n] {
			b := int(keys[uint32(slot)&slotMask] - 1)
			r := tab[2*b : 2*b+2 : 2*b+2]
			v := linear.TF(uint32(counts[uint32(slot)&slotMask])) * r[0]
			norm += v * v
			a += v * r[1]
		}
		if norm > 0 {
			a *= float32(1 / math.Sqrt(float64(norm)))
		}
		acc[0] = a
		return n
	}
	c.gatherRows(keys, counts, used[:n], acc)
	return n
}

// gatherRows is accumulate over a gather table.
func (c *LinearClassifier) gatherRows(keys []uint32, counts, used []uint16, acc []float32) {
	for o := range acc {
		acc[o] = 0
	}
	var norm float32
	st := c.stride
	slotMask := uint32(len(keys) - 1)
	for _, slot := range used {
		row := c.row(keys[uint32(slot)&slotMask]-1, st)
		v := linear.TF(uint32(counts[uint32(slot)&slotMask])) * row[0]
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
