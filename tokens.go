package llmrouter

import (
	"math/bits"
	"unicode/utf8"
)

// estimateTokens is the built-in token counter (DefaultAnalyzer.Counter
// documents it): no vocabulary, no network.
func estimateTokens(text string) int {
	return tokenCount(text).tokens()
}

// runeCounts are what estimateTokens counts: ASCII bytes, CJK runes and
// other runes. Counts of parts of a text add up to the text's.
type runeCounts struct{ ascii, cjk, other int }

func (c runeCounts) tokens() int { return (c.ascii+3)/4 + c.cjk + (c.other+1)/2 }

func tokenCount(text string) runeCounts {
	var ascii, cjk, other int
	for i := 0; i < len(text); {
		// 32 ASCII bytes at a time: the common case.
		for i+32 <= len(text) {
			s := text[i : i+32]
			if (load64(s[0:8])|load64(s[8:16])|load64(s[16:24])|load64(s[24:32]))&0x8080808080808080 != 0 {
				break
			}
			ascii += 32
			i += 32
		}
		if i == len(text) {
			break
		}
		// Then eight: a word with a non-ASCII byte still counts the ASCII
		// bytes before it at once.
		if i+8 <= len(text) {
			hi := load64(text[i:i+8]) & 0x8080808080808080
			if hi == 0 {
				ascii += 8
				i += 8
				continue
			}
			if n := bits.TrailingZeros64(hi) >> 3; n > 0 {
				ascii += n
				i += n
				continue
			}
		}
		c := text[i]
		if c < utf8.RuneSelf {
			ascii++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if isCJK(r) {
			cjk++
		} else {
			other++
		}
	}
	return runeCounts{ascii, cjk, other}
}

// load64 reads the first 8 bytes of s, little-endian (one load).
func load64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// Per-part token estimates for content without text.
const (
	// imageTokens is the estimate for one image: what a high-detail
	// 1024×1024 image costs on OpenAI's vision models (85 + 4·170).
	imageTokens = 765
	// messageOverhead is the role and framing tokens of each message.
	messageOverhead = 4
	// toolOverhead is the framing of each tool definition, beyond the
	// estimated tokens of its name and description.
	toolOverhead = 40
)
