package verify

import "math/bits"

// Eight bytes at a time: a word's length comes from one 64-bit load and a
// few arithmetic steps instead of a loop whose exit the branch predictor
// misses once per word (the scans' largest cost before).

const (
	lo7s = 0x7f7f7f7f7f7f7f7f
	his  = 0x8080808080808080
)

// load8 returns s[i:i+8] as a little-endian uint64 (one load: the compiler
// combines the byte loads). The caller ensures i+8 <= len(s).
func load8(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// store8 writes u to b[0:8], little-endian.
func store8(b []byte, u uint64) {
	b = b[:8]
	b[0], b[1], b[2], b[3] = byte(u), byte(u>>8), byte(u>>16), byte(u>>24)
	b[4], b[5], b[6], b[7] = byte(u>>32), byte(u>>40), byte(u>>48), byte(u>>56)
}

// letters8 returns how many of u's bytes, from the lowest, are ASCII
// letters (0–8): the same bytes byteClass marks clLetter.
func letters8(u uint64) int {
	x := (u | 0x2020202020202020) & lo7s // lower case, high bit dropped
	ge := x + 0x1f1f1f1f1f1f1f1f         // high bit set where x >= 'a'
	gt := x + 0x0505050505050505         // high bit set where x > 'z'
	m := ge &^ gt &^ u & his             // letters: also ASCII (u's high bit clear)
	return bits.TrailingZeros64(^m&his) >> 3
}

// upper8 returns 0x80 in each byte of u (ASCII: no high bit set) that
// is 'A'–'Z'.
func upper8(u uint64) uint64 {
	ge := u + (0x80-'A')*0x0101010101010101 // high bit set where u >= 'A'
	gt := u + (0x7f-'Z')*0x0101010101010101 // high bit set where u > 'Z'
	return ge &^ gt & his
}
