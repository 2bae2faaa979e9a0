//go:build amd64 && !purego

package llmrouter

import "unsafe"

// plainFastLoop is plainFastLoopGo in assembly (textscan_fast_amd64.s):
// the same instructions but for what Go's register allocator added to
// them (29 a byte): a register for FNV-1a's offset basis instead of
// loading it on every byte, the flags of the word-start test taken from
// the AND that computes it, and two bytes a turn with e and prev swapping
// registers instead of a move: 24 a byte. Results and the n-gram slots
// written are the same, bit for bit (TestPlainFastLoopAsm and the
// scanText tests).
//
//go:noescape
func plainFastLoop(last *byte, j int, tab *plainTabs, q unsafe.Pointer, hU, hB uint32, run, sx, prev uint64) (jOut, adv int, hUOut, hBOut uint32, runOut, sxOut uint64)
