package llmrouter

import "unsafe"

// scanPlainFast is scanPlain's loop without a branch that depends on the
// text, but for the one that leaves it at a byte that is neither a word
// byte nor a plain separator (rare, so predicted). scanPlain's word loop
// mispredicts its exit once a word; here every byte goes through the same
// instructions, the word's start and end picked by conditional moves: the
// hashes restart at a word's first byte, a separator multiplies them by 1
// and xors in 0 (they stay), and each byte stores the hashes in the n-gram
// slot after the last, which only a word's start commits. It runs while
// the n-grams it may commit fit in r.ngrams' capacity and under maxWords;
// ok is false when they do not at the start (scanPlain's own loop then
// runs), and it stops early, at a word's end, where they stop fitting.
// The result is scanPlain's, bit for bit (TestScanPlainFastMatches).
// Measured (session 19, BenchmarkRouteVsFloorCPU/1KB): 35% more
// instructions a Route but 230 fewer mispredicts, Route 6-8% faster
// against the floor. The slot is written through a pointer (unsafe)
// because with a slice and an index Go's register allocator spilled a
// hash, putting a store and a load on its chain.
func scanPlainFast(text string, i int, r *plainRun) (end int, ok bool) {
	ng := r.ngrams[:cap(r.ngrams)]
	n0 := len(r.ngrams)
	if r.words >= r.maxWords {
		return i, false
	}
	// One slot is kept back so that the loop's next-slot pointer, formed
	// on every byte, never points past the buffer's allocation (which
	// unsafe.Pointer's rules forbid).
	lim := len(ng) - 1
	if rem := r.maxWords - r.words; rem < lim {
		// The last word that may be hashed commits slots up to lim.
		lim = min(n0+2*rem, len(ng)-1)
	}
	if n0+2 > lim {
		return i, false
	}
	// Every word started after text[i0] commits 2 slots after at least 2
	// bytes, so stopping at iEnd keeps n+2 <= lim.
	i0 := i
	iEnd := min(len(text), i0+lim-n0-1)
	// The next slot as a pointer, bounded by iEnd: without ng's length
	// and an index the loop's values fit in registers.
	ng = ng[:lim]
	q0 := unsafe.Pointer(unsafe.SliceData(ng[n0:]))
	i, q, hU, hB, run, sx := plainFastLoop(text[:iEnd], i, q0, r.hU, r.hB)
	n := n0 + int((uintptr(q)-uintptr(q0))/4)
	if prevE := plainCount[text[i-1]]; prevE != 0 {
		// Stopped inside a word (where the slots ran out): finish it.
		for uint(i) < uint(len(text)) {
			e := plainCount[text[i]]
			if e == 0 {
				break
			}
			lc := uint32(uint8(e))
			hU = (hU ^ lc) * fnvPrime32
			hB = (hB ^ lc) * fnvPrime32
			run += e
			sx += e &^ prevE
			prevE = e
			i++
		}
	} else {
		// Stopped in separators: the run ends after the last word.
		for plainCount[text[i-1]] == 0 {
			i--
		}
	}
	starts := int(sx >> plainByteShift & plainField)
	if starts > 0 {
		r.prevHash = ng[n-2]
		if !r.hasPrev {
			// The text's first word has no bigram.
			copy(ng[n0+1:], ng[n0+2:n])
			n--
		}
		r.hasPrev = true
	}
	r.numbers += int(sx >> plainDigitShift & plainField)
	wordBytes := int(run >> plainByteShift & plainField)
	r.ngrams = r.ngrams[:n]
	r.hU, r.hB = hU, hB
	r.words += starts
	r.dWords += starts
	r.hashing = r.words < r.maxWords
	r.asciiWordBytes += wordBytes
	r.seps = i - i0 - wordBytes
	r.digits += int(run >> plainDigitShift & plainField)
	r.upper += int(run >> plainUpperShift & plainField)
	return i, true
}

// plainFast is plainCount with bit 63 set for a plain separator
// (plainSep), so that 0 marks the bytes that end a run. Bit 63 of a run's
// sum is never read.
var plainFast = func() (t [256]uint64) {
	for c := range t {
		t[c] = plainCount[c]
		if c < len(plainSep) && plainSep[c] {
			t[c] |= 1 << 63
		}
	}
	return t
}()

// plainFastLoop is scanPlainFast's loop, alone in a function so that its
// values stay in registers.
func plainFastLoop(text string, i int, q unsafe.Pointer, hU, hB uint32) (int, unsafe.Pointer, uint32, uint32, uint64, uint64) {
	// text[i] continues the open word, and may start a number.
	e := plainCount[text[i]]
	run, sx := e, e&plainDigit
	lc := uint32(uint8(e))
	hU = (hU ^ lc) * fnvPrime32
	hB = (hB ^ lc) * fnvPrime32
	prev := e // text[i-1]'s plainFast entry (a word byte's is plainCount's)
	for i++; uint(i) < uint(len(text)); i++ {
		c := text[i]
		e := plainFast[c]
		if e == 0 {
			break
		}
		// The previous byte's entry, kept from the last iteration (which
		// drops a load and a bounds check a byte; the register it takes
		// costs no spill in the loop): x has the word byte bit set at a
		// word's first byte and the digit bit at a number's first digit,
		// so sx sums the words started and the numbers.
		// The fields of sx hold (plainCount's bounds apply: x's fields are
		// at most e's).
		x := e &^ prev
		prev = e
		sx += x
		run += e
		m := plainMul[c]
		// The open word's hashes, final at its first separator, go to the
		// next slot; the next word's start commits them (as a bigram: the
		// text's first word's is dropped after).
		*(*uint32)(q) = hU
		*(*uint32)(unsafe.Add(q, 4)) = hB
		t := (hU ^ ' ') * fnvPrime32
		next := unsafe.Add(q, 8)
		if x&plainByte != 0 {
			hB, hU, q = t, fnvOffset32, next
		}
		lc := uint32(uint8(e))
		hU = (hU ^ lc) * m
		hB = (hB ^ lc) * m
	}
	return i, q, hU, hB, run, sx
}

// plainMul is the FNV-1a prime for a word byte and 1 for every other
// byte: a plain separator leaves plainFastLoop's hashes as they are.
var plainMul = func() (t [256]uint32) {
	for c := range t {
		t[c] = 1
		if plainCount[c] != 0 {
			t[c] = fnvPrime32
		}
	}
	return t
}()
