package llmrouter

import "unicode/utf8"

// plainRun is the state scanText hands to scanPlain: the n-gram hashing
// and the counts a run of plain words changes.
type plainRun struct {
	ngrams                       []uint32
	hU, hB, prevHash             uint32
	words, maxWords              int
	hashing, hasPrev             bool
	dWords, asciiWordBytes, seps int
	digits, numbers, upper       int
	// Set by scanPlainFast alone, whose runs go on through newlines and
	// punctuation scanText only counts: their counts (stopCounts' fields)
	// and the run's lines numbered "1." or "2)" (scanText's lineStart
	// rule).
	stops    uint64
	numbered int
}

// scanPlain continues the ASCII word that starts at text[i] (its hashes
// already begun in r) through the run of plain text after it — ASCII
// words separated by spaces and plain punctuation (plainSep) — as
// scanText's byte loop would, and returns the index past the run's last
// word, which is left open (the byte after it may continue it). Most of
// a prose prompt is such runs: this loop keeps its few variables in
// registers, which scanText, with every signal live, cannot. The byte
// loop is the floor's (two FNV-1a chains) plus one add: the run's
// capitals, digits and word bytes are summed from plainCount, and what
// can be derived at the end (separators, dense words, hashing) is not
// kept per word, so the compiler keeps the loop's values in registers
// (with them all live it kept the sum on the stack, a store and a load a
// byte on its chain).
func scanPlain(text string, i int, r *plainRun) int {
	if !plainFastOff {
		if end, ok := scanPlainFast(text, i, r); ok {
			return end
		}
	}
	return scanPlainLoop(text, i, r)
}

// plainFastOff makes scanPlain use scanPlainLoop only, for tests that
// hold the two equal.
var plainFastOff bool

// scanPlainLoop is scanPlain's loop with a branch at each word's end,
// which scanPlainFast avoids: it runs where scanPlainFast cannot.
func scanPlainLoop(text string, i int, r *plainRun) int {
	hU, hB := r.hU, r.hB
	words0, n := r.words, len(r.ngrams)
	r.seps = -i              // the run's bytes less its word bytes, at the end
	var run uint64           // the run's plainCount entries, summed
	e := plainCount[text[i]] // not 0: text[i] is a word byte
	for {
		var sum uint64 // the word's
		for {
			sum += e
			lc := uint32(uint8(e))
			hU = (hU ^ lc) * fnvPrime32
			hB = (hB ^ lc) * fnvPrime32
			if i++; uint(i) >= uint(len(text)) {
				break
			}
			if e = plainCount[text[i]]; e == 0 {
				break
			}
		}
		run += sum
		if sum&plainDigitMask != 0 {
			// A word with digits: count its runs of them.
			prevD := uint64(0)
			for _, c := range []byte(text[i-int(sum>>plainByteShift&plainField) : i]) {
				d := plainCount[c] >> plainDigitShift & 1
				r.numbers += int(d &^ prevD)
				prevD = d
			}
		}
		// Another word follows after separators, bytes scanText only
		// counts as runes (spaces, commas, full stops, quotes)?
		j := i + 1
		if uint(j) >= uint(len(text)) || !plainSep[text[i]] {
			break
		}
		for plainSep[text[j]] {
			if j++; uint(j) >= uint(len(text)) {
				break
			}
		}
		if uint(j) >= uint(len(text)) {
			break
		}
		if e = plainCount[text[j]]; e == 0 {
			break
		}
		// End this word, as scanText does at a separator: while hashing,
		// words < maxWords (scanText stops at the word that reaches it).
		// Where ngrams is full, scanText ends it (and grows ngrams): no
		// call in this loop, which would make the compiler keep its
		// values on the stack.
		if r.words < r.maxWords {
			ng := r.ngrams[:cap(r.ngrams)]
			if n+2 > len(ng) {
				break
			}
			ng[n], ng[n+1] = hU, hB // the bigram's slot is taken only after a word
			n += 2
			if !r.hasPrev {
				n--
			}
		}
		r.prevHash, r.hasPrev = hU, true
		r.words++
		i = j
		// Start the next one.
		hB = (hU ^ ' ') * fnvPrime32
		hU = fnvOffset32
	}
	wordBytes := int(run >> plainByteShift & plainField)
	r.ngrams = r.ngrams[:n]
	r.hU, r.hB = hU, hB
	r.dWords += r.words - words0
	r.hashing = r.words < r.maxWords
	r.asciiWordBytes += wordBytes
	r.seps += i - wordBytes
	r.digits += int(run >> plainDigitShift & plainField)
	r.upper += int(run >> plainUpperShift & plainField)
	return i
}

// plainSep marks the ASCII bytes scanText's loop does nothing with but
// count a rune and end a word (scanClass 0 or fSpace: space, tab, \r,
// , . : ! ' " # @ ~ and control bytes other than \n), so a run of plain
// text can go on through them. Prose breaks its runs at punctuation
// often; every break cost a return to scanText.
var plainSep = func() (t [256]bool) {
	for c := range utf8.RuneSelf {
		t[c] = scanClass[c] == 0 || scanClass[c] == fSpace
	}
	return t
}()

// plainCount is asciiWord for scanPlain's word loop, which sums a run's
// entries: the lower case in the low byte (its sum over a run within
// MaxScanBytes stays below 2^21), then 1 (a word byte), plainUpper for a
// capital and plainDigit for a digit in fields of 14 bits, so the sum
// counts the word bytes, capitals and digits without a second pass over
// the words.
var plainCount = func() (t [256]uint64) {
	for c := range t {
		e := asciiWord[c]
		if e == 0 {
			continue
		}
		t[c] = uint64(e&0xff) | plainByte
		if e&(1<<9) != 0 {
			t[c] += plainUpper
		}
		if e&(1<<8) != 0 {
			t[c] += plainDigit
		}
	}
	return t
}()

const (
	plainField      = 1<<14 - 1
	plainByteShift  = 21
	plainByte       = 1 << plainByteShift
	plainUpperShift = 35
	plainUpper      = 1 << plainUpperShift
	plainDigitShift = 49
	plainDigit      = 1 << plainDigitShift
	plainDigitMask  = plainField << plainDigitShift
)

// The sums' fields must not overflow into one another for the longest
// run scanPlain can see: 122 × MaxScanBytes < 2^21, MaxScanBytes < 2^14.
var _ = [plainByte - 122*MaxScanBytes]struct{}{}
var _ = [plainField - MaxScanBytes]struct{}{}
