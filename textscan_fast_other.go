//go:build !amd64

package llmrouter

import "unsafe"

// plainFastLoop is plainFastLoopGo where no assembly loop is written.
func plainFastLoop(text string, i int, q unsafe.Pointer, hU, hB uint32, run, sx, prev uint64) (int, unsafe.Pointer, uint32, uint32, uint64, uint64) {
	return plainFastLoopGo(text, i, q, hU, hB, run, sx, prev)
}
