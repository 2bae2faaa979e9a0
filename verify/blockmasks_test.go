package verify

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBlockMasks checks blockMasks against byteClass for every byte value
// at every position of a block, in whole blocks and in a block cut short
// at each length.
func TestBlockMasks(t *testing.T) {
	for c := 0; c < 256; c++ {
		letter := byteClass[c]&clLetter != 0
		for pos := 0; pos < 64; pos++ {
			for _, n := range []int{64, 128, pos + 1, pos + 7, pos + 9} {
				b := []byte(strings.Repeat(" ", n))
				b[pos] = byte(c)
				for base := 0; base < n; base += 64 {
					letters, events := blockMasks(string(b), base)
					if base > 0 {
						require.Zero(t, letters|events, "byte %#x at %d, block at %d of %d", c, pos, base, n)
						continue
					}
					want := uint64(1) << pos
					if letter {
						require.Equal(t, want, letters, "letters: byte %#x at %d of %d", c, pos, n)
						require.Zero(t, events, "events: byte %#x at %d of %d", c, pos, n)
					} else {
						require.Zero(t, letters, "letters: byte %#x at %d of %d", c, pos, n)
						if c == ' ' {
							want = 0
						}
						require.Equal(t, want, events, "events: byte %#x at %d of %d", c, pos, n)
					}
				}
			}
		}
	}
}

// TestExtractAtBlockEdges puts words, numbers, fences and lines across the
// scans' 64-byte block edges at every offset and compares the features with
// the reference scan.
func TestExtractAtBlockEdges(t *testing.T) {
	pieces := []string{
		"perhaps", "unfortunately", "answer: 42", "answer is 7", "a12", "x1,234.5", "1,234,567.89",
		"```go\nf(x[1]{\n```", "**bold**", "3 * 4 = 12", "5+5=11", "naïve", "\nsame\nsame\n",
		"implement", "python?", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
		"#### 12", "- item", "boxed", "I cannot",
	}
	for _, piece := range pieces {
		for off := 0; off < 140; off++ {
			s := strings.Repeat("a b. ", off/5) + strings.Repeat("x", off%5) + piece
			for _, tail := range []string{"", " end", "\n" + piece} {
				sameFeatures(t, s+tail, s+tail)
				sameFeatures(t, piece, s+tail)
			}
		}
	}
}

// TestMasks64MatchesGo compares masks64 (assembly where there is one)
// with masks64Go on blocks of every byte value at every position and on
// random blocks drawn from letters, spaces, digits, punctuation and
// non-ASCII bytes.
func TestMasks64MatchesGo(t *testing.T) {
	check := func(b []byte) {
		l, e := masks64(string(b))
		wl, we := masks64Go(string(b))
		require.Equal(t, wl, l, "letters of %q", b)
		require.Equal(t, we, e, "events of %q", b)
	}
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 64; pos++ {
			for _, fill := range []byte{' ', 'a', 'Z', '0', 0x80} {
				b := []byte(strings.Repeat(string(fill), 64))
				b[pos] = byte(c)
				check(b)
			}
		}
	}
	alphabet := []byte("aZ@[`{ \n\t0.,*=\x00\x7f\x80\xc3\xe1\xff")
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b [64]byte
		for k := range b {
			if rng.IntN(2) == 0 {
				b[k] = alphabet[rng.IntN(len(alphabet))]
			} else {
				b[k] = byte(rng.IntN(256))
			}
		}
		check(b[:])
	}
}

// TestWordListsLengths checks that no listed word is shorter than the
// length below which the scans pass words over.
func TestWordListsLengths(t *testing.T) {
	for _, w := range answerWords {
		require.GreaterOrEqual(t, len(w.w), minAnswerWord, "answer word %q", w.w)
	}
	for _, w := range promptWords {
		require.GreaterOrEqual(t, len(w.w), minPromptWord, "prompt word %q", w.w)
	}
}

// TestLongRuns compares longRuns5 and longRuns3 with a bit-by-bit count
// on random masks.
func TestLongRuns(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 20000 {
		letters := rng.Uint64() | rng.Uint64() // runs of various lengths
		if rng.IntN(4) == 0 {
			letters |= rng.Uint64()
		}
		for n, f := range map[int]func(uint64) uint64{3: longRuns3, 5: longRuns5} {
			var want uint64
			for k := 0; k < 64; k++ {
				run := 0
				for run < n && (k+run >= 64 || letters>>uint(k+run)&1 != 0) {
					run++
				}
				if run == n {
					want |= 1 << uint(k)
				}
			}
			require.Equal(t, want, f(letters), "letters %#x n %d", letters, n)
		}
	}
}
