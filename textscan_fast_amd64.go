package llmrouter

import "unsafe"

// plainFastLoop is plainFastLoopGo in assembly (textscan_fast_amd64.s):
// the same instructions but for what Go's register allocator added to
// them (29 a byte): a register for FNV-1a's offset basis instead of
// loading it on every byte, the flags of the word-start test taken from
// the AND that computes it, and no register shuffles: 25 a byte. Results
// and the n-gram slots written are the same, bit for bit
// (TestPlainFastLoopAsm and the scanText tests).
func plainFastLoop(text string, i int, q unsafe.Pointer, hU, hB uint32, run, sx, prev uint64) (int, unsafe.Pointer, uint32, uint32, uint64, uint64) {
	last := unsafe.StringData(text[len(text)-1:])
	j, adv, hU, hB, run, sx := plainFastLoopAsm(last, i-(len(text)-1), plainTab, q, hU, hB, run, sx, prev)
	return j, unsafe.Add(q, adv), hU, hB, run, sx
}

// plainFastLoopAsm runs plainFastLoopGo's loop over last[j], last[j+1],
// … while j ≤ 0 and the byte's entry in tab.e is not 0, writing n-gram
// slots from q; it returns where it stopped (j) and how many bytes q
// advanced.
//
//go:noescape
func plainFastLoopAsm(last *byte, j int, tab *plainTabs, q unsafe.Pointer, hU, hB uint32, run, sx, prev uint64) (jOut, adv int, hUOut, hBOut uint32, runOut, sxOut uint64)
