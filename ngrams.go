package llmrouter

import (
	"unicode"
	"unicode/utf8"
)

// FNV-1a, 32 bits: cheap, stable across releases and platforms, and
// allocation-free, which is what a saved classifier needs from its feature
// hashes.
const (
	fnvOffset32 = 2166136261
	fnvPrime32  = 16777619
)

// DefaultMaxNGramWords is how many words of a text HashNGrams reads when no
// other limit is given: enough for any question, bounded for a 1 MB prompt.
const DefaultMaxNGramWords = 4096

// HashNGrams appends to dst the hashes of the word unigrams and bigrams of
// text and returns the extended slice. It reads at most maxWords words
// (DefaultMaxNGramWords when maxWords ≤ 0).
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
		maxWords = DefaultMaxNGramWords
	}
	var (
		words    int
		prevHash uint32 // unigram hash of the previous word
		hasPrev  bool
		start    = -1 // start of the current word
	)
	flush := func(end int) {
		w := text[start:end]
		u := hashWord(fnvOffset32, w)
		dst = append(dst, u)
		if hasPrev {
			h := (prevHash ^ ' ') * fnvPrime32
			dst = append(dst, hashWord(h, w))
		}
		prevHash, hasPrev = u, true
		start = -1
		words++
	}
	for i := 0; i < len(text) && words < maxWords; {
		c := text[i]
		var r rune
		size := 1
		if c < utf8.RuneSelf {
			r = rune(c)
		} else {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		isWord := r != utf8.RuneError && (isASCIIWordByte(c) || (c >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))))
		if isWord {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			flush(i)
		}
		i += size
	}
	if start >= 0 && words < maxWords {
		flush(len(text))
	}
	return dst
}

func isASCIIWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// hashWord continues FNV-1a hash h over the lower-cased UTF-8 bytes of word.
func hashWord(h uint32, word string) uint32 {
	for i := 0; i < len(word); {
		c := word[i]
		if c < utf8.RuneSelf {
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			h ^= uint32(c)
			h *= fnvPrime32
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(word[i:])
		lr := unicode.ToLower(r)
		var buf [utf8.UTFMax]byte
		n := utf8.EncodeRune(buf[:], lr)
		for _, b := range buf[:n] {
			h ^= uint32(b)
			h *= fnvPrime32
		}
		i += size
	}
	return h
}
