package llmrouter

import (
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// TestPlainFastLoopAsm holds plainFastLoop (in assembly on amd64) to
// plainFastLoopGo on random text of word bytes, separators, digits,
// capitals and bytes that end the loop, from random positions and states:
// the same results and the same n-gram slots written, bit for bit.
func TestPlainFastLoopAsm(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 8))
	const alphabet = "abcxyzAQZ0179 ,.'\"-_:;\t\n?(){}é\x00\x7f"
	prevs := []uint64{plainTab.e['a'], plainTab.e['7'], plainTab.e['Q'], fastSep, 0}
	for iter := range 20000 {
		b := make([]byte, 1+rng.IntN(fastMaxRun))
		if iter%4 == 0 {
			b = b[:min(len(b), 1+rng.IntN(12))]
		}
		stops := rng.IntN(4) // how often a byte may end the loop
		for k := range b {
			if stops > 0 && rng.IntN(40*stops) == 0 {
				b[k] = alphabet[rng.IntN(len(alphabet))]
			} else {
				b[k] = alphabet[rng.IntN(22)] // word bytes and plain separators
			}
		}
		text := string(b)
		i := rng.IntN(len(text))
		hU, hB := rng.Uint32(), rng.Uint32()
		run, sx := rng.Uint64()>>8, rng.Uint64()>>8
		prev := prevs[rng.IntN(len(prevs))]
		type result struct {
			j       int
			adv     int
			hU, hB  uint32
			run, sx uint64
			slots   []uint32
		}
		garbage := make([]uint32, len(text)+4)
		for k := range garbage {
			garbage[k] = rng.Uint32()
		}
		call := func(loop func(*byte, int, *plainTabs, unsafe.Pointer, uint32, uint32, uint64, uint64, uint64) (int, int, uint32, uint32, uint64, uint64)) result {
			slots := append([]uint32(nil), garbage...)
			last := unsafe.StringData(text[len(text)-1:])
			j, adv, u, v, r, s := loop(last, i-(len(text)-1), plainTab, unsafe.Pointer(&slots[0]), hU, hB, run, sx, prev)
			return result{j, adv, u, v, r, s, slots}
		}
		want, got := call(plainFastLoopGo), call(plainFastLoop)
		require.Equal(t, want, got, "iter %d: %q from %d", iter, text, i)
	}
}
