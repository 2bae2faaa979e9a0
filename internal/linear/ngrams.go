package linear

import (
	"unicode"
	"unicode/utf8"
)

// FNV-1a, 32 bits: cheap, stable across releases and platforms, and
// allocation-free, which is what a saved classifier needs from its feature
// hashes. The root package's analyzer pass (textscan.go) hashes with them
// too.
const (
	FNVOffset32 = 2166136261
	FNVPrime32  = 16777619
)

// DefaultMaxWords is how many words of a text HashNGrams reads when no
// other limit is given: enough for any question, bounded for a 1 MB prompt.
// llmrouter.DefaultMaxNGramWords is the same.
const DefaultMaxWords = 4096

// HashNGrams appends to dst the hashes of the word unigrams and bigrams of
// text and returns the extended slice. It reads at most maxWords words
// (DefaultMaxWords when maxWords ≤ 0).
//
// A word is a maximal run of letters and digits (unicode.IsLetter,
// unicode.IsDigit), lower-cased rune by rune. A unigram hashes as FNV-1a
// (32-bit) over the word's UTF-8 bytes; a bigram as FNV-1a over the first
// word, one space byte, and the second word. For each word the unigram is
// appended, then the bigram it closes (if any), so the order is
// u1, u2, b12, u3, b23, … Invalid UTF-8 bytes separate words.
//
// The hashing is part of the saved-model format: changing it breaks every
// trained classifier, so it is frozen.
//
// HashNGrams does not allocate when dst has room. It is safe for concurrent use.
func HashNGrams(dst []uint32, text string, maxWords int) []uint32 {
	if maxWords <= 0 {
		maxWords = DefaultMaxWords
	}
	// One pass: the unigram hash hU and the bigram hash hB (which starts
	// from the previous word's unigram and a space) advance together.
	var (
		words    int
		inWord   bool
		hasPrev  bool
		prevHash uint32
		hU, hB   uint32
	)
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			lc := asciiWordLower[c]
			i++
			if lc != 0 {
				if !inWord {
					if words == maxWords {
						break
					}
					inWord = true
					hU = FNVOffset32
					hB = (prevHash ^ ' ') * FNVPrime32
				}
				hU = (hU ^ uint32(lc)) * FNVPrime32
				hB = (hB ^ uint32(lc)) * FNVPrime32
				// The rest of an ASCII run without re-checking state.
				for i < len(text) {
					lc = asciiWordLower[text[i]&0x7f]
					if text[i] >= utf8.RuneSelf || lc == 0 {
						break
					}
					hU = (hU ^ uint32(lc)) * FNVPrime32
					hB = (hB ^ uint32(lc)) * FNVPrime32
					i++
				}
				continue
			}
		} else {
			// The word-start lines above and below are repeated on purpose:
			// folding them into a helper the compiler does not inline made
			// hashing three times slower (measured with BenchmarkStages).
			r, size := utf8.DecodeRuneInString(text[i:])
			i += size
			if r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
				if !inWord {
					if words == maxWords {
						break
					}
					inWord = true
					hU = FNVOffset32
					hB = (prevHash ^ ' ') * FNVPrime32
				}
				var buf [utf8.UTFMax]byte
				n := utf8.EncodeRune(buf[:], unicode.ToLower(r))
				for _, b := range buf[:n] {
					hU = (hU ^ uint32(b)) * FNVPrime32
					hB = (hB ^ uint32(b)) * FNVPrime32
				}
				continue
			}
		}
		if inWord {
			dst = AppendWord(dst, hU, hB, hasPrev)
			prevHash, hasPrev, inWord = hU, true, false
			words++
		}
	}
	if inWord {
		dst = AppendWord(dst, hU, hB, hasPrev)
	}
	return dst
}

// AppendWord appends a word's unigram hash hU and, when it has a previous
// word, the bigram hash hB: the order HashNGrams documents.
func AppendWord(dst []uint32, hU, hB uint32, hasPrev bool) []uint32 {
	if hasPrev {
		return append(dst, hU, hB)
	}
	return append(dst, hU)
}

// asciiWordLower maps an ASCII letter or digit to its lower case, and every
// other byte to 0.
var asciiWordLower = func() (t [utf8.RuneSelf]byte) {
	for c := byte('0'); c <= '9'; c++ {
		t[c] = c
	}
	for c := byte('a'); c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = c, c
	}
	return t
}()
