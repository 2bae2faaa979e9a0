package verify

import "math/bits"

// The answer scan's byte classes, 64 bytes at a time: bit k of a block's
// masks is t[base+k]. Words are then the runs of letter bits and the scan
// visits only the bytes it has something to do with (its events), so it
// takes no branch per word to find where the word ends and no chain of
// dependent loads from one word to the next: each word's ends come from
// the masks by bit arithmetic, independently of the word before.

// answerBlock returns the masks of the 64 bytes of t from base (bytes past
// t's end read as 0, which is in no class): its ASCII letters, its digits
// and its special bytes, a superset of the bytes scanAnswer's switch
// handles ('\n', '`', brackets, '*', '=', non-ASCII; with them tab, '\\',
// '|', '@' and a few control bytes, which the switch passes over).
func answerBlock(t string, base int) (letters, digits, special uint64) {
	for k := 0; k < 64; k += 8 {
		var u uint64
		if i := base + k; i+8 <= len(t) {
			u = load8(t, i)
		} else {
			for j := min(i+8, len(t)) - 1; j >= i; j-- {
				u = u<<8 | uint64(t[j])
			}
		}
		l, d, s := classes8(u)
		letters |= pack8(l) << k
		digits |= pack8(d) << k
		special |= pack8(s) << k
	}
	return letters, digits, special
}

// classes8 returns 0x80 in each byte of u that is an ASCII letter (l), an
// ASCII digit (d), or special (s, as answerBlock defines it).
func classes8(u uint64) (l, d, s uint64) {
	const ones = 0x0101010101010101
	w := u & lo7s
	x := w | 0x20*ones // lower case
	l = (x + 0x1f*ones) &^ (x + 0x05*ones) &^ u & his
	d = (w + (0x80-'0')*ones) &^ (w + (0x7f-'9')*ones) &^ u & his
	// v is u with bits 5 and 7 cleared: '(' ')' '*' fall on 0x08–0x0a
	// with '\n', '{' '|' '}' on '[' '\\' ']', '`' on '@', '=' on 0x1d.
	v := u & (0x5f * ones)
	s = (v+(0x80-0x08)*ones)&^(v+(0x7f-0x0a)*ones) |
		(v+(0x80-0x5b)*ones)&^(v+(0x7f-0x5d)*ones) |
		(v+(0x80-0x1d)*ones)&^(v+(0x7f-0x1d)*ones) |
		(v+(0x80-0x40)*ones)&^(v+(0x7f-0x40)*ones) |
		u
	return l, d, s & his
}

// pack8 gathers the high bits of m's bytes (m has no other bits set) into
// its low 8 bits, byte k's to bit k.
func pack8(m uint64) uint64 {
	return (m >> 7) * 0x0102040810204080 >> 56
}

func tz(m uint64) int { return bits.TrailingZeros64(m) }
