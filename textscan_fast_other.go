//go:build !amd64 || purego

package llmrouter

import "unsafe"

// plainFastLoop is plainFastLoopGo where no assembly loop is written.
func plainFastLoop(last *byte, j int, tab *plainTabs, q unsafe.Pointer, hU, hB uint32, run, sx, prev uint64) (jOut, adv int, hUOut, hBOut uint32, runOut, sxOut uint64) {
	return plainFastLoopGo(last, j, tab, q, hU, hB, run, sx, prev)
}
