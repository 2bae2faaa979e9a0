package llmrouter

import "github.com/llmrouter/llmrouter/internal/linear"

// The word n-gram hashing is part of the saved-model format, so it lives in
// internal/linear, where training reads it too; textscan.go fuses the same
// hashing into the analyzer's one pass.
const (
	fnvOffset32 = linear.FNVOffset32
	fnvPrime32  = linear.FNVPrime32
)

// DefaultMaxNGramWords is how many words of a text are hashed into n-grams
// when no other limit is given (DefaultAnalyzer.MaxNGramWords,
// LinearInfo.MaxWords): enough for any question, bounded for a 1 MB prompt.
const DefaultMaxNGramWords = linear.DefaultMaxWords

// hashNGrams appends the hashes of text's word unigrams and bigrams, from
// at most maxWords words, to dst (internal/linear.HashNGrams documents the
// scheme).
func hashNGrams(dst []uint32, text string, maxWords int) []uint32 {
	return linear.HashNGrams(dst, text, maxWords)
}

// appendWord is linear.AppendWord, for textscan.go's fused pass.
func appendWord(dst []uint32, hU, hB uint32, hasPrev bool) []uint32 {
	return linear.AppendWord(dst, hU, hB, hasPrev)
}
