//go:build amd64 && !purego

package verify

import "unsafe"

// masks64 returns the masks of the 64 bytes of b (len(b) >= 64) as
// blockMasks does: its ASCII letters, and its bytes that are neither
// letters nor spaces. On amd64 four SSE2 compares of 16 bytes each take the
// place of masks64Go's eight 8-byte steps and their bit gathering: the
// block masks were about a sixth of Score's instructions.
func masks64(b string) (letters, events uint64) {
	b = b[:64]
	return masks64SSE2(unsafe.StringData(b))
}

// masks64SSE2 reads the 64 bytes at p (masks_amd64.s).
//
//go:noescape
func masks64SSE2(p *byte) (letters, events uint64)
