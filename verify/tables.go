package verify

import (
	"math"
	"math/bits"
)

// Byte classes and word sets: the scans look every byte up in byteClass
// and every word up in a table indexed by its length and first letter, so
// the common byte (a letter, a space) costs one load and a branch, and a
// word costs one load more; no lower-casing, no string switch.

const (
	clDigit  = 1 << iota // '0'–'9'
	clLetter             // ASCII letters
	clNoHash             // ' ', '\n', '\r': left out of the line hash
	// clAnswer marks the bytes scanAnswer's switch handles: '\n', '`',
	// brackets, '*', '=' and non-ASCII.
	clAnswer
	// clPrompt marks the bytes scanPrompt's switch handles: '?', '`',
	// code symbols and non-ASCII.
	clPrompt
	clCodeSym // { } ; < > = ( ) [ ]: counted as code symbols in the prompt
)

var byteClass = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] |= clDigit
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] |= clLetter
		t[c-'a'+'A'] |= clLetter
	}
	for _, c := range " \n\r" {
		t[c] |= clNoHash
	}
	for _, c := range "\n`()[]{}*=" {
		t[c] |= clAnswer
	}
	for _, c := range "{};<>=()[]" {
		t[c] |= clPrompt | clCodeSym
	}
	t['?'] |= clPrompt
	t['`'] |= clPrompt
	for c := 0x80; c < 0x100; c++ {
		t[c] |= clAnswer | clPrompt
	}
	return t
}()

// plainPunct is 1 for the bytes of no class: punctuation that is hashed
// and nothing else.
var plainPunct = func() (t [256]int) {
	for c := range t {
		if byteClass[c]&(clDigit|clLetter|clNoHash|clAnswer) == 0 {
			t[c] = 1
		}
	}
	return t
}()

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Kinds of answer word.
const (
	wordHedge = 1 + iota
	wordApology
	wordClarify
	wordAnswer // "answer": a final-answer marker when followed by ':' or " is"
	wordBoxed  // "boxed": LaTeX's \boxed{…}
)

type word struct {
	w    string // lower case
	kind uint8
}

// answerWords are the answer's words scanAnswer counts (4–16 letters).
var answerWords = []word{
	{"perhaps", wordHedge}, {"possibly", wordHedge}, {"maybe", wordHedge}, {"might", wordHedge},
	{"unsure", wordHedge}, {"uncertain", wordHedge}, {"unclear", wordHedge}, {"approximately", wordHedge},
	{"assume", wordHedge}, {"assuming", wordHedge}, {"roughly", wordHedge}, {"likely", wordHedge},
	{"unknown", wordHedge}, {"cannot", wordHedge}, {"unable", wordHedge}, {"impossible", wordHedge},
	{"sorry", wordApology}, {"apologize", wordApology}, {"apologies", wordApology}, {"unfortunately", wordApology},
	{"clarify", wordClarify}, {"clarification", wordClarify}, {"specify", wordClarify}, {"provide", wordClarify},
	{"answer", wordAnswer}, {"boxed", wordBoxed},
}

// promptWords are the prompt's words that ask for or talk of code (3–10
// letters).
var promptWords = []word{
	{"code", 1}, {"function", 1}, {"python", 1}, {"script", 1}, {"program", 1}, {"implement", 1},
	{"javascript", 1}, {"java", 1}, {"sql", 1}, {"query", 1}, {"class", 1}, {"regex", 1}, {"bash", 1},
	{"rust", 1}, {"golang", 1}, {"typescript", 1}, {"html", 1}, {"css", 1}, {"api", 1}, {"debug", 1},
	{"compile", 1},
}

const maxWordLen = 16

// The shortest words of answerWords and promptWords: the scans read no
// shorter word (longRuns5, longRuns3; TestWordListsLengths).
const (
	minAnswerWord = 5
	minPromptWord = 3
)

// wordRows is a power of two above maxWordLen+1, so a masked index needs
// no bounds check.
const wordRows = 32

// A wordIndex has, for each word length n (n <= maxWordLen) and letter c
// (either case: c&31 is 1–26 for both), the mask of its list's words of n
// letters that start with c (first) and that end with c (last). A word's
// candidates are in both masks, so most words are ruled out by two loads;
// the rows past maxWordLen are empty, so a longer word needs no test of
// its own, only its length capped at maxWordLen+1.
type wordIndex struct {
	first, last [wordRows << 5]uint32
}

func indexWords(list []word) *wordIndex {
	if len(list) > 32 {
		panic("verify: word list longer than a uint32 mask")
	}
	var ix wordIndex
	for k, w := range list {
		ix.first[len(w.w)<<5|int(w.w[0]&31)] |= 1 << k
		ix.last[len(w.w)<<5|int(w.w[len(w.w)-1]&31)] |= 1 << k
	}
	return &ix
}

var (
	answerIndex = indexWords(answerWords)
	promptIndex = indexWords(promptWords)
)

// candidatesOf returns the mask of ix's words that could be the word of n
// letters (n > 0, ASCII letters) from first to last: those of its length,
// first letter and last letter. The scans have both letters at hand and
// slice the word only when a candidate is left.
func (ix *wordIndex) candidatesOf(n int, first, last byte) uint32 {
	n = min(n, maxWordLen+1) << 5
	const m = wordRows<<5 - 1
	return ix.first[(n|int(first&31))&m] & ix.last[(n|int(last&31))&m]
}

// lookup returns the kind of the word s (ASCII letters, any case) among
// the candidates m of list, or 0.
func lookup(m uint32, list []word, s string) uint8 {
	for ; m != 0; m &= m - 1 {
		w := list[bits.TrailingZeros32(m)]
		k := 1
		for k < len(s) && s[k]|0x20 == w.w[k] {
			k++
		}
		if k == len(s) {
			return w.kind
		}
	}
	return 0
}

// log1pN returns math.Log1p(float64(n)), from a table for the small counts
// most features are.
func log1pN(n int) float64 {
	if uint(n) < uint(len(log1pTable)) {
		return log1pTable[n]
	}
	return math.Log1p(float64(n))
}

var log1pTable = func() (t [256]float64) {
	for i := range t {
		t[i] = math.Log1p(float64(i))
	}
	return t
}()
