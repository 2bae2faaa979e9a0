//go:build !amd64 || purego

package verify

// masks64 returns the masks of the 64 bytes of b (len(b) >= 64) as
// blockMasks does; without assembly, masks64Go.
func masks64(b string) (letters, events uint64) { return masks64Go(b) }
