package verify

import "math/bits"

// The answer scan's byte classes, 64 bytes at a time: bit k of a block's
// masks is t[base+k]. Words are then the runs of letter bits and the scan
// visits only the bytes it has something to do with (its events), so it
// takes no branch per word to find where the word ends and no chain of
// dependent loads from one word to the next: each word's ends come from
// the masks by bit arithmetic, independently of the word before.

// answerBlock returns the masks of the 64 bytes of t from base: its ASCII
// letters, and the bytes the scan visits (its events): all but letters
// and spaces, none past t's end.
func answerBlock(t string, base int) (letters, events uint64) {
	const ones = 0x0101010101010101
	for k := 0; k < 64; k += 8 {
		var u uint64
		if i := base + k; i+8 <= len(t) {
			u = load8(t, i)
		} else {
			u = tail8(t, i)
		}
		// As letters8: 0x80 in each byte of u that is a letter (l), and
		// in each byte that is not a space (ns). The body is written out
		// here: a call spilled the masks.
		x := (u | 0x20*ones) & lo7s // lower case
		l := (x + 0x1f*ones) &^ (x + 0x05*ones) &^ u & his
		z := u ^ 0x20*ones
		ns := ((z & lo7s) + lo7s | z) & his
		letters |= pack8(l) << k
		events |= pack8(ns&^l) << k
	}
	if n := len(t) - base; n < 64 {
		events &= 1<<n - 1 // the zeros past the end
	}
	return letters, events
}

// tail8 returns t[i:], fewer than 8 bytes, as a little-endian uint64
// padded with zeros.
func tail8(t string, i int) uint64 {
	var u uint64
	for j := min(i+8, len(t)) - 1; j >= i; j-- {
		u = u<<8 | uint64(t[j])
	}
	return u
}

// pack8 gathers the high bits of m's bytes (m has no other bits set) into
// its low 8 bits, byte k's to bit k.
func pack8(m uint64) uint64 {
	return (m >> 7) * 0x0102040810204080 >> 56
}

func tz(m uint64) int { return bits.TrailingZeros64(m) }
