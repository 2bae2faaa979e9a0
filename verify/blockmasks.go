package verify

import (
	"math/bits"
	"unsafe"
)

// The answer scan's byte classes, 64 bytes at a time: bit k of a block's
// masks is t[base+k]. Words are then the runs of letter bits and the scan
// visits only the bytes it has something to do with (its events), so it
// takes no branch per word to find where the word ends and no chain of
// dependent loads from one word to the next: each word's ends come from
// the masks by bit arithmetic, independently of the word before.

// blockMasks returns the masks of the 64 bytes of t from base: its ASCII
// letters, and the bytes the scan visits (its events): all but letters
// and spaces, none past t's end.
func blockMasks(t string, base int) (letters, events uint64) {
	if base+64 <= len(t) {
		return masks64(t[base : base+64])
	}
	// The last block, cut short: its bytes copied into a zeroed block (a
	// zero is no letter; its events are masked off).
	var b [64]byte
	copy(b[:], t[base:])
	letters, events = masks64(unsafe.String(&b[0], len(b)))
	return letters, events &^ after(len(t)-base) // not the zeros past the end
}

// masks64Go is masks64 in Go: a whole block, written out (no loop, no
// bounds check). It is masks64 where there is no assembly, and the
// assembly's reference in the tests.
func masks64Go(b string) (letters, events uint64) {
	b = b[:64]
	l0, e0 := classes8(load8(b, 0))
	l1, e1 := classes8(load8(b, 8))
	l2, e2 := classes8(load8(b, 16))
	l3, e3 := classes8(load8(b, 24))
	l4, e4 := classes8(load8(b, 32))
	l5, e5 := classes8(load8(b, 40))
	l6, e6 := classes8(load8(b, 48))
	l7, e7 := classes8(load8(b, 56))
	letters = l0 | l1<<8 | l2<<16 | l3<<24 | l4<<32 | l5<<40 | l6<<48 | l7<<56
	events = e0 | e1<<8 | e2<<16 | e3<<24 | e4<<32 | e5<<40 | e6<<48 | e7<<56
	return letters, events
}

// classes8 returns the masks of the 8 bytes of u (bit k for byte k, from
// the lowest): its ASCII letters (as letters8), and the bytes that are
// neither letters nor spaces.
func classes8(u uint64) (letters, events uint64) {
	x := (u | 0x20*ones) & lo7s // lower case
	l := (x + 0x1f*ones) &^ (x + 0x05*ones) &^ u & his
	z := u ^ 0x20*ones                      // 0 where a space
	e := ((z & lo7s) + lo7s | z) & his &^ l // not a space, not a letter
	return pack8(l), pack8(e)
}

// pack8 gathers the high bits of m's bytes (m has no other bits set) into
// its low 8 bits, byte k's to bit k.
func pack8(m uint64) uint64 {
	return (m >> 7) * 0x0102040810204080 >> 56
}

func tz(m uint64) int { return bits.TrailingZeros64(m) }

// after returns the mask of a block's bits from k on (k > 0): none when
// k >= 64.
func after(k int) uint64 { return ^uint64(0) << uint(k) }

// longRuns5 returns the bits k of letters that start a run of at least 5
// letters or one that reaches the block's end: the bytes past the block
// count as letters, so a word running on into the next block is kept
// whatever its length there. longRuns3 is the same for 3 letters.
func longRuns5(letters uint64) uint64 {
	m2 := letters & fillShr(letters, 1)
	m4 := m2 & fillShr(m2, 2)
	return m4 & fillShr(letters, 4)
}

func longRuns3(letters uint64) uint64 {
	m2 := letters & fillShr(letters, 1)
	return m2 & fillShr(letters, 2)
}

// fillShr shifts m down by k (0 < k < 64), filling the top k bits with
// ones.
func fillShr(m uint64, k uint) uint64 { return m>>k | ^uint64(0)<<(64-k) }
