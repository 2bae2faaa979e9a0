package llmrouter

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestScanPlainFastLongRuns holds scanText with scanPlainFast equal to
// scanText with scanPlainLoop alone on plain runs longer than the
// fastMaxRun bytes plainFastLoop reads at a time (its fields count no
// more), so that its stops at that bound, inside a word or in
// separators, and the restarts after them are checked. Some texts are
// all capitals, all digits or mostly separators, so that a field would
// overflow past the bound.
func TestScanPlainFastLongRuns(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 1))
	alphabets := []string{"abcxyzAQZ0179", "ABQZ", "0179", "aZ9"}
	const seps = "  ,.'\"\t:!#@~\n\r"
	for iter := range 400 {
		var b strings.Builder
		size := fastMaxRun - 60 + iter%80 + rng.IntN(MaxScanBytes)
		letters := alphabets[iter%len(alphabets)]
		maxLen, maxSeps := 12, 2
		if iter%5 == 0 {
			maxLen, maxSeps = 2, 6
		}
		for b.Len() < size {
			for range 1 + rng.IntN(maxLen) {
				b.WriteByte(letters[rng.IntN(len(letters))])
			}
			for range 1 + rng.IntN(maxSeps) {
				b.WriteByte(seps[rng.IntN(len(seps))])
			}
			if rng.IntN(300) == 0 {
				b.WriteString(strings.Repeat("w", 1+iter%40)) // a long word
			}
		}
		text := b.String()
		maxWords := DefaultMaxNGramWords
		if iter%4 == 0 {
			maxWords = 100 + rng.IntN(900)
		}
		run := func(off bool) (Features, runeCounts) {
			plainFastOff = off
			defer func() { plainFastOff = false }()
			var f Features
			f.Text = text
			tc := scanText(&f, make([]uint32, 0, rng.IntN(8000)), maxWords)
			if len(f.NGrams) == 0 {
				f.NGrams = nil
			}
			return f, tc
		}
		want, wantTC := run(true)
		got, gotTC := run(false)
		require.Equal(t, wantTC, gotTC, "iter %d", iter)
		require.Equal(t, want, got, "iter %d maxWords %d", iter, maxWords)
	}
}

// TestScanPlainFastNewlines holds scanText with scanPlainFast, whose runs
// go on through newlines and punctuation scanText only counts, equal to
// scanText with scanPlainLoop alone, whose runs end at them: numbered lines after spaces, tabs and carriage
// returns, blank lines, newlines at a run's end, and other scripts
// beside ASCII words (the Latin script's count takes the runs' word
// bytes, which the newlines must not join), and each such punctuation
// mark, at a run's end too.
func TestScanPlainFastNewlines(t *testing.T) {
	for _, text := range []string{
		"word\n1. next", "word\n\t1. next", "word\n\r2) next", "word \n 3. x", "a\n\n4. b", "a\n \n5) b",
		"a\n7x. b", "a\n12. b", "a\n1 . b", "a\n1", "a\n1.", "a\n,1. b", "a b\n\n", "a b\n \n?", "a\n\n\n",
		"a\nb\nc\nd", "Step one\n2) step two\n\t3) three\n", "x\n\r\n\t\n9. y",
		"слово word\nword\nword слово", "日本 ab\ncd\nef 日本語の文", "мир a\nb\nc\nd\ne мир мир мир",
		"a-b (c) d? e$f", "x\n-1. y", "x\n(1) y", "a;b{c}d|e&f_g[h]i", "a\n?", "a b -", "a b-\n", "what? why?\n1. this",
		"x+y*z/w^v<u>t%s", "a = b == c => d", "a\\b \\alpha", "a ```go\nx\n```", "a-\nb", "-a-", "a--b", "1-2-3",
	} {
		run := func(off bool) (Features, runeCounts) {
			plainFastOff = off
			defer func() { plainFastOff = false }()
			var f Features
			f.Text = text
			tc := scanText(&f, make([]uint32, 0, 64), 0)
			return f, tc
		}
		want, wantTC := run(true)
		got, gotTC := run(false)
		require.Equal(t, wantTC, gotTC, "%q", text)
		require.Equal(t, want, got, "%q", text)
	}
}
