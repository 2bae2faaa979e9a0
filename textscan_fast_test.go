package llmrouter

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestScanPlainFastMatches holds scanText with scanPlainFast equal to
// scanText with scanPlainLoop alone on random plain text, for every
// n-gram buffer room and maxWords: the fast loop's early stops (where
// the slots may run out, at maxWords) and its fallback must not change
// a bit of the Features.
func TestScanPlainFastMatches(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 19))
	const alphabet = "abcxyzAQZ0179    ,.'\"\t:!#@~\x01\n?(+é"
	for iter := range 3000 {
		b := make([]byte, rng.IntN(200))
		for k := range b {
			if rng.IntN(8) == 0 {
				b[k] = alphabet[rng.IntN(len(alphabet))]
			} else {
				b[k] = alphabet[rng.IntN(20)] // mostly plain
			}
		}
		text := string(b)
		maxWords := rng.IntN(40)
		room := rng.IntN(80)
		run := func(off bool) (Features, runeCounts) {
			plainFastOff = off
			defer func() { plainFastOff = false }()
			var f Features
			f.Text = text
			buf := make([]uint32, 0, room)
			tc := scanText(&f, buf, maxWords)
			if len(f.NGrams) == 0 {
				f.NGrams = nil
			}
			return f, tc
		}
		want, wantTC := run(true)
		got, gotTC := run(false)
		require.Equal(t, wantTC, gotTC, "iter %d %q", iter, text)
		require.Equal(t, want, got, "iter %d %q maxWords %d room %d", iter, text, maxWords, room)
	}
}
