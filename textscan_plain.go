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
}

// scanPlain continues the ASCII word that starts at text[i] (its hashes
// already begun in r) through the run of plain text after it — ASCII
// words separated by spaces and plain punctuation (plainSep) — as
// scanText's byte loop would, and returns the index past the run's last
// word, which is left open (the byte after it may continue it). Most of
// a prose prompt is such runs: this loop keeps its few variables in
// registers, which scanText, with every signal live, cannot.
func scanPlain(text string, i int, r *plainRun) int {
	ngrams, hU, hB := r.ngrams, r.hU, r.hB
	words, hashing, hasPrev, prev := r.words, r.hashing, r.hasPrev, r.prevHash
	dWords, wordBytes, seps := r.dWords, r.asciiWordBytes, 0
	for {
		start := i
		var sum uint64 // the word's plainCount fields, summed
		e := plainCount[text[i]]
		for {
			sum += e
			lc := uint32(e) & 0xff
			hU = (hU ^ lc) * fnvPrime32
			hB = (hB ^ lc) * fnvPrime32
			i++
			if i == len(text) {
				break
			}
			if e = plainCount[text[i]]; e == 0 {
				break
			}
		}
		wordBytes += i - start
		if sum >= plainUpper {
			if sum < plainDigit {
				// Capitals only, the common case ("The"): their count is
				// in the sum, no second look at the word needed.
				r.upper += int(sum >> plainUpperShift)
			} else {
				dg, nm, up := countDigitsUpper(text[start:i])
				r.digits += dg
				r.numbers += nm
				r.upper += up
			}
		}
		// Another word follows after separators, bytes scanText only
		// counts as runes (spaces, commas, full stops, quotes)?
		j := i
		for j < len(text) && plainSep[text[j]] {
			j++
		}
		if j == i || j == len(text) || asciiWord[text[j]] == 0 {
			break
		}
		// End this word, as scanText does at a separator.
		if hashing {
			ngrams = appendWord(ngrams, hU, hB, hasPrev)
		}
		prev, hasPrev = hU, true
		words++
		seps += j - i
		i = j
		// Start the next one.
		if words == r.maxWords {
			hashing = false
		}
		hU = fnvOffset32
		hB = (prev ^ ' ') * fnvPrime32
		dWords++
	}
	r.ngrams, r.hU, r.hB = ngrams, hU, hB
	r.words, r.hashing, r.hasPrev, r.prevHash = words, hashing, hasPrev, prev
	r.dWords, r.asciiWordBytes, r.seps = dWords, wordBytes, seps
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

// plainCount is asciiWord for scanPlain's word loop, which sums a word's
// entries: the lower case in the low byte (so the low 24 bits hold the sum
// of the letters, below 2^24 for any word within MaxScanBytes), plus
// plainUpper for a capital and plainDigit for a digit, so the sum counts
// them too (20 bits each) without a second pass over the word.
var plainCount = func() (t [256]uint64) {
	for c := range t {
		e := asciiWord[c]
		t[c] = uint64(e & 0xff)
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
	plainUpperShift = 24
	plainUpper      = 1 << plainUpperShift
	plainDigit      = 1 << 44
)

// The sums' fields must not overflow into one another for the longest
// word scanPlain can see: 122 × MaxScanBytes < 2^24 and MaxScanBytes < 2^20.
var _ = [plainUpper - 122*MaxScanBytes]struct{}{}
var _ = [1<<20 - MaxScanBytes]struct{}{}
