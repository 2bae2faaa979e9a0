package verify

// verify-dense-2's line hash, for the repeated-line feature: a line is the
// bytes between two newlines with trailing spaces, tabs and carriage
// returns dropped; an empty one counts as a line but is not compared. Its
// hash mixes the line eight bytes at a time (little-endian, the last
// chunk zero-padded) into a 64-bit state seeded with its length: one
// multiply per eight bytes where verify-dense-1's FNV-1a took one a byte.
// refLineHash2 (the tests) is its definition byte by byte.

const (
	lineSeed = 0x243f6a8885a308d3
	lineMul  = 0x9e3779b97f4a7c15
)

// addLine ends the line t[lo:hi] of the trimmed answer t.
func (s *lineSet) addLine(t string, lo, hi int) {
	for hi > lo && (t[hi-1] == ' ' || t[hi-1] == '\t' || t[hi-1] == '\r') {
		hi--
	}
	if hi == lo {
		s.lines++
		return
	}
	s.add(lineHash(t, lo, hi), hi-lo)
}

// lineHash hashes t[lo:hi] (lo < hi). The last chunk is read with one
// load where 8 bytes remain in t, masked to the line's bytes.
func lineHash(t string, lo, hi int) uint64 {
	h := lineSeed ^ uint64(hi-lo)
	j := lo
	for l := t[:hi]; j+8 <= len(l); j += 8 { // l: one bounds check, not one a chunk
		h = (h ^ load8(l, j)) * lineMul
		h ^= h >> 29
	}
	if n := hi - j; n > 0 {
		var w uint64
		if j+8 <= len(t) {
			w = load8(t, j) & (1<<(8*uint(n)) - 1)
		} else {
			for k := hi - 1; k >= j; k-- {
				w = w<<8 | uint64(t[k])
			}
		}
		h = (h ^ w) * lineMul
		h ^= h >> 29
	}
	return h
}
