package llmrouter

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

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
