package llmrouter

// plainRun is the state scanText hands to scanPlain: the n-gram hashing
// and the counts a run of plain words changes.
type plainRun struct {
	ngrams                         []uint32
	hU, hB, prevHash               uint32
	words, maxWords                int
	hashing, hasPrev               bool
	dWords, asciiWordBytes, spaces int
	digits, numbers, upper         int
}

// scanPlain continues the ASCII word that starts at text[i] (its hashes
// already begun in r) through the run of plain text after it — ASCII
// words separated by single spaces — as scanText's byte loop would, and
// returns the index past the run's last word, which is left open (the
// byte after it may continue it). Most of a prose prompt is such runs:
// this loop keeps its few variables in registers, which scanText, with
// every signal live, cannot.
func scanPlain(text string, i int, r *plainRun) int {
	ngrams, hU, hB := r.ngrams, r.hU, r.hB
	words, hashing, hasPrev, prev := r.words, r.hashing, r.hasPrev, r.prevHash
	dWords, wordBytes, spaces := r.dWords, r.asciiWordBytes, 0
	for {
		start := i
		var seen uint32
		e := asciiWord[text[i]]
		for {
			seen |= e
			lc := e & 0xff
			hU = (hU ^ lc) * fnvPrime32
			hB = (hB ^ lc) * fnvPrime32
			i++
			if i == len(text) {
				break
			}
			if e = asciiWord[text[i]]; e == 0 {
				break
			}
		}
		wordBytes += i - start
		if seen&(3<<8) != 0 {
			dg, nm, up := countDigitsUpper(text[start:i])
			r.digits += dg
			r.numbers += nm
			r.upper += up
		}
		// Another word follows after a single space?
		if i+1 >= len(text) || text[i] != ' ' || asciiWord[text[i+1]] == 0 {
			break
		}
		// End this word, as scanText does at a separator.
		if hashing {
			ngrams = appendWord(ngrams, hU, hB, hasPrev)
		}
		prev, hasPrev = hU, true
		words++
		spaces++
		i++
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
	r.dWords, r.asciiWordBytes, r.spaces = dWords, wordBytes, spaces
	return i
}
