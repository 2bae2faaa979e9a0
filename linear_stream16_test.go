package llmrouter

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// streamOne16Ref is streamOne16 as one loop with the streamInc calls in
// it (before the loop stopped short of them): the order of the sums the
// built-in model's scores are defined by.
func streamOne16Ref(cnt *[1 << 16]uint16, tab *[2 << 16]float32, ngrams []uint32) (a, n2 float64) {
	return streamOne16Tail(cnt, tab, ngrams, 0, 0, 0, 0)
}

// TestStreamOne16BitIdentical holds streamOne16 to the same bits as the
// single loop, where counts cross the increment table's end (255) at
// every position and parity, and leaves the same counters behind.
func TestStreamOne16BitIdentical(t *testing.T) {
	tab := new([2 << 16]float32)
	rnd := uint64(7)
	next := func() uint32 {
		rnd ^= rnd << 13
		rnd ^= rnd >> 7
		rnd ^= rnd << 17
		return uint32(rnd >> 32)
	}
	for i := range tab {
		tab[i] = float32(int32(next())) / (1 << 31)
	}
	for _, n := range []int{0, 1, 2, 3, 253, 254, 255, 256, 257, 509, 510, 511, 600, 3001} {
		for _, distinct := range []uint32{1, 2, 3, 5, 300, 1 << 30} {
			ngrams := make([]uint32, n)
			for i := range ngrams {
				ngrams[i] = next() % distinct * 2654435761
			}
			got, want := new([1 << 16]uint16), new([1 << 16]uint16)
			a, n2 := streamOne16(got, tab, ngrams)
			wa, wn2 := streamOne16Ref(want, tab, ngrams)
			require.Equal(t, math.Float64bits(wa), math.Float64bits(a), "n=%d distinct=%d: dot product", n, distinct)
			require.Equal(t, math.Float64bits(wn2), math.Float64bits(n2), "n=%d distinct=%d: squared norm", n, distinct)
			require.Equal(t, want, got, "n=%d distinct=%d: counters", n, distinct)
		}
	}
}
