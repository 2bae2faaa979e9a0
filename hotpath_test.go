package llmrouter

import (
	"math"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/llmrouter/llmrouter/internal/linear"
	"github.com/stretchr/testify/require"
)

// The hot path's shortcuts compute exactly what the plain definitions do.

// TestIsCJKMatchesTables checks isCJK's early rejection against the
// Unicode tables for every rune.
func TestIsCJKMatchesTables(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune+1; r++ {
		want := unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
			unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r)
		if isCJK(r) != want {
			require.Equal(t, want, isCJK(r), "rune %U", r)
		}
	}
}

// tokenCountRef is tokenCount's definition, one rune at a time.
func tokenCountRef(text string) runeCounts {
	var c runeCounts
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case text[i] < utf8.RuneSelf:
			c.ascii++
		case unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
			unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r):
			c.cjk++
		default:
			c.other++
		}
		i += size
	}
	return c
}

func TestTokenCountMatchesRuneLoop(t *testing.T) {
	texts := append([]string(nil), scanCases...)
	texts = append(texts, strings.Repeat("a", 32), strings.Repeat("ab", 40), strings.Repeat("x", 36))
	// A non-ASCII rune (or a broken one) at every offset of an 8-byte word.
	for _, ins := range []string{"é", "’", "日", "한", "\xff", "\xe6\x97", "𠀋"} {
		for k := 0; k < 17; k++ {
			texts = append(texts, strings.Repeat("a", k)+ins+strings.Repeat("b", 17-k)+ins)
		}
	}
	prompts, _ := benchPrompts(100 << 10)
	texts = append(texts, prompts[:min(4, len(prompts))]...)
	for i, text := range texts {
		require.Equal(t, tokenCountRef(text), tokenCount(text), "case %d: %.40q", i, text)
	}
}

// TestGatherMatchesCounter: the classifier's gather gives bit for bit what
// linear.Counter and accumulate give, for one output and several, over a
// dense and a sparse table, at every table size.
func TestGatherMatchesCounter(t *testing.T) {
	def, err := defaultLinearClassifier()
	require.NoError(t, err)
	multi := newLinearClassifier(linearConfig{HashBits: 12, MaxWords: 1 << 20, IDF: true}, []string{"a", "b", "c"}, true, "a")
	rnd := uint64(1)
	next := func() uint32 {
		rnd ^= rnd << 13
		rnd ^= rnd >> 7
		rnd ^= rnd << 17
		return uint32(rnd >> 32)
	}
	for i := range multi.table {
		multi.table[i] = float32(int32(next())) / (1 << 31)
	}
	var keys []uint32
	var rows []float32
	for b := uint32(0); b < 1<<12; b += 3 {
		keys = append(keys, b)
		rows = append(rows, multi.table[int(b)*multi.stride:int(b+1)*multi.stride]...)
	}
	sparse := newLinearHead(multi.cfg, []string{"a", "b", "c"}, true, "a")
	sparse.sparse = newSparseRows(keys, rows, sparse.stride, sparse.unseenRow())
	for name, c := range map[string]*LinearClassifier{"default": def, "multi": multi, "sparse": sparse} {
		for _, n := range []int{0, 1, 7, gatherMax, gatherMax + 1, 3000, gatherBigMax, gatherBigMax + 1} {
			for _, distinct := range []uint32{5, 300, 1 << 30} {
				ngrams := make([]uint32, n)
				for i := range ngrams {
					ngrams[i] = next() % distinct * 2654435761
				}
				var cnt linear.Counter
				cnt.Count(ngrams, c.cfg.HashBits, c.cfg.MaxWords)
				want := make([]float32, len(c.outputs))
				c.accumulate(cnt.Keys, cnt.Counts, cnt.Used, want)
				got := make([]float32, len(c.outputs))
				ngrams = linear.ClipNGrams(ngrams, c.cfg.MaxWords) // as Classify and scores do
				if n <= gatherMax {
					c.gatherScores(ngrams, got)
				} else if len(ngrams) <= gatherBigMax {
					var g gatherSpace
					c.gatherScoresBig(&g, ngrams, got)
					for _, k := range g.keys {
						require.Zero(t, k, "the pooled table is left empty")
					}
				} else {
					b := new(bucketCounter)
					b.acc = got
					c.scores(b, ngrams, &Features{}, got, false)
					c.finish(&Features{}, want)
				}
				for o := range want {
					require.Equal(t, math.Float32bits(want[o]), math.Float32bits(got[o]), "%s n=%d distinct=%d output %d", name, n, distinct, o)
				}
			}
		}
	}
}
