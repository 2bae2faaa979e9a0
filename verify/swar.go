package verify

import "math/bits"

// Eight bytes at a time: a word's length comes from one 64-bit load and a
// few arithmetic steps instead of a loop whose exit the branch predictor
// misses once per word (the scans' largest cost before).

const (
	ones = 0x0101010101010101 // 1 in every byte
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
	ge := u + (0x80-'A')*ones // high bit set where u >= 'A'
	gt := u + (0x7f-'Z')*ones // high bit set where u > 'Z'
	return ge &^ gt & his
}

// integer8 reads the common number, fewer than 8 digits with no comma or
// point after them, from the 8 bytes at s[i] (i+8 <= len(s)) without a
// branch per digit; ok is false for any other, which number reads a byte
// at a time. The value is exact below 10^8, as number's float steps are.
func integer8(s string, i int) (v float64, j int, ok bool) {
	u := load8(s, i)
	x := u & lo7s
	m := (x + (0x80-'0')*ones) &^ (x + (0x80-'9'-1)*ones) &^ u & his // digits
	n := bits.TrailingZeros64(^m&his) >> 3                           // leading digits
	if n == 0 || n == 8 {
		return 0, 0, false
	}
	if c := byte(u >> (8 * uint(n))); c == ',' || c == '.' {
		return 0, 0, false
	}
	// The digits' values, the first in the highest place of 8: the classic
	// three multiplies.
	d := (u & (0x0f * ones)) << (8 * uint(8-n))
	d = (d * (10<<8 + 1)) >> 8 & 0x00ff00ff00ff00ff
	d = (d * (100<<16 + 1)) >> 16 & 0x0000ffff0000ffff
	d = (d * (10000<<32 + 1)) >> 32
	return float64(d), i + n, true
}
