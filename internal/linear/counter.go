package linear

// Counter counts distinct n-gram buckets with an open-addressing table
// (load at most 1/4, so probes stay short). Serving (the root's
// LinearClassifier) and training count with it, so both see the same
// buckets. The zero value is ready; a Counter is not safe for concurrent
// use.
type Counter struct {
	Keys   []uint32 // bucket+1; 0 = empty
	Counts []uint32
	Used   []int32 // occupied slots, in insertion order
	shift  uint
}

// TableSize is the power-of-two table size (at least 64) for n insertions
// at load at most 3/4.
func TableSize(n int) int {
	size := 64
	for size*3 < 4*n {
		size *= 2
	}
	return size
}

// Shift is the right shift that maps a 32-bit multiplicative hash onto a
// table of size slots (a power of two).
func Shift(size int) uint {
	n := 0
	for size > 1 {
		size >>= 1
		n++
	}
	return uint(32 - n)
}

// Slot is where bucket's probe starts in a table with the given shift.
func Slot(bucket uint32, shift uint) uint32 { return (bucket * 0x9E3779B1) >> shift }

// Reset prepares the table for n insertions.
func (b *Counter) Reset(n int) {
	size := TableSize(3 * n)
	if cap(b.Keys) < size {
		b.Keys = make([]uint32, size)
		b.Counts = make([]uint32, size)
	}
	b.Keys = b.Keys[:size]
	b.Counts = b.Counts[:size]
	b.shift = Shift(size)
	b.Used = b.Used[:0]
}

// Add counts one bucket.
func (b *Counter) Add(bucket uint32) {
	mask := uint32(len(b.Keys) - 1)
	i := Slot(bucket, b.shift)
	key := bucket + 1
	for {
		k := b.Keys[i]
		if k == key {
			b.Counts[i]++
			return
		}
		if k == 0 {
			b.Keys[i] = key
			b.Counts[i] = 1
			b.Used = append(b.Used, int32(i))
			return
		}
		i = (i + 1) & mask
	}
}

// Clear empties the used slots.
func (b *Counter) Clear() {
	for _, i := range b.Used {
		b.Keys[i] = 0
	}
	b.Used = b.Used[:0]
}

// Count fills the table with the buckets (the low bits of each hash) of
// the n-grams of the first maxWords words.
func (b *Counter) Count(ngrams []uint32, bits, maxWords int) {
	ngrams = ClipNGrams(ngrams, maxWords)
	b.Reset(len(ngrams))
	mask := uint32(1)<<bits - 1
	for _, h := range ngrams {
		b.Add(h & mask)
	}
}

// ClipNGrams keeps the n-grams of the first maxWords words: the root's
// HashNGrams emits u1, u2, b12, u3, b23, …
func ClipNGrams(ngrams []uint32, maxWords int) []uint32 {
	if n := 2*maxWords - 1; len(ngrams) > n {
		return ngrams[:n]
	}
	return ngrams
}
