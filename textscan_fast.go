package llmrouter

import (
	"unicode/utf8"
	"unsafe"
)

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
// runs), and it stops early, at a word's end, where they stop fitting
// or after fastMaxRun bytes. Unlike scanPlainLoop's, its runs go on
// through newlines and the punctuation scanText only counts (stopCounts),
// whose counts it returns in r.stops and r.numbered (in prompts those
// ended most runs, each costing a return to scanText). scanText's result
// is the same, bit for bit, with either loop (TestScanPlainFastMatches,
// TestScanPlainFastNewlines, TestScanPlainFastLongRuns).
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
	iEnd := min(len(text), i0+lim-n0-1, i0+fastMaxRun)
	// The next slot as a pointer, bounded by iEnd: without ng's length
	// and an index the loop's values fit in registers.
	ng = ng[:lim]
	q0 := unsafe.Pointer(unsafe.SliceData(ng[n0:]))
	q, hU, hB := q0, r.hU, r.hB
	var run, sx uint64
	prev := plainTab.e['a'] // text[i] continues the open word, and may start a number
	var stops uint64        // the counts of the stop bytes passed (stopCounts)
	skipped, numbered := 0, 0
	last := unsafe.StringData(text[iEnd-1:]) // the loop reads last[j] for j ≤ 0
	for {
		var j, adv int
		j, adv, hU, hB, run, sx = plainFastLoop(last, i-(iEnd-1), plainTab, q, hU, hB, run, sx, prev)
		q = unsafe.Add(q, adv)
		i = iEnd - 1 + j
		// A byte that ends the loop but not the plain run (a newline, the
		// most common in prompts, and punctuation scanText only counts)
		// is counted here, and the loop goes on after it as after a
		// separator. (In the loop, their counts would need fields of
		// their own in its table.)
		if i+1 >= iEnd {
			break
		}
		c := text[i]
		add := stopCounts[c]
		if add == 0 {
			break
		}
		stops += add
		skipped++
		if c == '\n' {
			// Does it start a numbered line ("1." or "2)" after spaces:
			// scanText's lineStart rule)?
			k := i + 1
			for k < iEnd && (text[k] == ' ' || text[k] == '\t' || text[k] == '\r') {
				k++
			}
			if k < iEnd && text[k]-'0' < 10 && k+1 < len(text) && (text[k+1] == '.' || text[k+1] == ')') {
				numbered++
			}
		}
		i, prev = i+1, fastSep
	}
	n := n0 + int((uintptr(q)-uintptr(q0))/4)
	starts := int((uintptr(q) - uintptr(q0)) / 8)
	numbers := int(sx >> fastDigitShift & fastField)
	wordBytes := i - i0 - int(run>>fastSepShift&fastField) - skipped
	digits := int(run >> fastDigitShift & fastField)
	upper := int(run >> fastUpperShift & fastField)
	if prevE := plainCount[text[i-1]]; prevE != 0 {
		// Stopped inside a word (where the slots ran out or at
		// fastMaxRun): finish it.
		var run, sx uint64
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
		numbers += int(sx >> plainDigitShift & plainField)
		wordBytes += int(run >> plainByteShift & plainField)
		digits += int(run >> plainDigitShift & plainField)
		upper += int(run >> plainUpperShift & plainField)
	} else {
		// Stopped in separators: the run ends after the last word (and
		// scanText reads the newlines after it).
		for plainCount[text[i-1]] == 0 {
			i--
			stops -= stopCounts[text[i]]
		}
	}
	r.stops, r.numbered = stops, numbered
	if starts > 0 {
		r.prevHash = ng[n-2]
		if !r.hasPrev {
			// The text's first word has no bigram.
			copy(ng[n0+1:], ng[n0+2:n])
			n--
		}
		r.hasPrev = true
	}
	r.numbers += numbers
	r.ngrams = r.ngrams[:n]
	r.hU, r.hB = hU, hB
	r.words += starts
	r.dWords += starts
	r.hashing = r.words < r.maxWords
	r.asciiWordBytes += wordBytes
	r.seps = i - i0 - wordBytes
	r.digits += digits
	r.upper += upper
	return i, true
}

// plainFastLoopGo is scanPlainFast's loop (plainFastLoop), alone in a
// function so that its values stay in registers. It reads last[j],
// last[j+1], … (at most fastMaxRun bytes) while j ≤ 0 and the byte's
// entry in tab.e is not 0, writing n-gram slots from q, and returns where
// it stopped (j), how many bytes q advanced, and the hashes and sums. On
// amd64 plainFastLoop runs the same loop in assembly
// (textscan_fast_amd64.s), bit for bit (TestPlainFastLoopAsm); elsewhere
// it is this function.
func plainFastLoopGo(last *byte, j int, tab *plainTabs, q unsafe.Pointer, hU, hB uint32, run, sx, prev uint64) (jOut, adv int, hUOut, hBOut uint32, runOut, sxOut uint64) {
	q0 := q
	_ = tab.e[0] // the nil check, before the loop
	// The loop reads last[j] for j ≤ 0: one register holds both the
	// position and the bound. The tables are behind a pointer held in a
	// register (as globals, the compiler formed their addresses anew on
	// every byte), and an entry's low 32 bits are the lower case alone, so
	// the hashes take them as they are.
	p := unsafe.Pointer(last)
	for ; j <= 0; j++ {
		c := *(*byte)(unsafe.Add(p, j))
		e := tab.e[c]
		if e == 0 {
			break
		}
		// prev is the previous byte's entry, kept from the last
		// iteration: x has its sign bit set at a word's first byte and the
		// digit bit at a number's first digit, so sx sums the numbers
		// (x's fields are at most e's).
		x := e &^ prev
		prev = e
		sx += x
		run += e
		m := tab.m[c]
		// The open word's hashes, final at its first separator, go to the
		// next slot; the next word's start commits them (as a bigram: the
		// text's first word's is dropped after).
		*(*uint32)(q) = hU
		*(*uint32)(unsafe.Add(q, 4)) = hB
		t := (hU ^ ' ') * fnvPrime32
		next := unsafe.Add(q, 8)
		if int64(x) < 0 {
			hB, hU, q = t, fnvOffset32, next
		}
		hU = (hU ^ uint32(e)) * m
		hB = (hB ^ uint32(e)) * m
	}
	return j, int(uintptr(q) - uintptr(q0)), hU, hB, run, sx
}

// stopCounts holds, for each byte that ends plainFastLoop but not a plain
// run, what scanText counts for it, in fields of 10 bits (stopField;
// enough for fastMaxRun bytes): newlines, questions, mathc, code, mathOps
// and codeSyms (scanText's names), from bit 10 times its position in
// that list; 0 for every other byte. A byte whose counts depend on the
// bytes after it ('=', '\\', '`') or that scanText reads as more than
// an ASCII separator is not one (a newline's numbered lines are counted
// in scanPlainFast).
var stopCounts = func() (t [256]uint64) {
	for c := range utf8.RuneSelf {
		cls := scanClass[c]
		if cls&fWord != 0 || plainSep[c] || c == '=' || cls&(fBacktick|fBackslash) != 0 {
			continue
		}
		if cls&fNewline != 0 {
			t[c] |= 1 << stopLines
		}
		if cls&fQuestion != 0 {
			t[c] |= 1 << stopQuestions
		}
		if cls&fDMath != 0 {
			t[c] |= 1 << stopMathc
		}
		if cls&fDCode != 0 {
			t[c] |= 1 << stopCode
		}
		if cls&fMath != 0 {
			t[c] |= 1 << stopMathOps
		}
		if cls&fCode != 0 {
			t[c] |= 1 << stopCodeSyms
		}
	}
	return t
}()

// stopCounts' fields.
const (
	stopLines     = 0
	stopQuestions = 10
	stopMathc     = 20
	stopCode      = 30
	stopMathOps   = 40
	stopCodeSyms  = 50
	stopField     = 1<<10 - 1
)

// plainTabs are plainFastLoop's tables, behind one pointer. e holds, for
// a word byte, its lower case in the low byte (so that the low 32 bits
// are the lower case alone), a capital and a digit in fields of 10 bits
// from bit 42 (enough for fastMaxRun bytes) and bit 63 (the sign, which
// the loop tests for a word's start); for a plain separator (plainSep),
// 1 in the field at bit 32, which counts them; 0 marks the bytes that end
// the loop (scanPlainFast goes on after a newline). m is the FNV-1a prime for a word byte and 1 for every other byte
// (a plain separator leaves the loop's hashes as they are). Bit 63 of a
// run's sum is never read.
type plainTabs struct {
	e [256]uint64
	m [256]uint32
}

var plainTab = func() *plainTabs {
	t := new(plainTabs)
	for c := range t.e {
		t.m[c] = 1
		if pc := plainCount[c]; pc != 0 {
			t.m[c] = fnvPrime32
			t.e[c] = pc&0xff | 1<<63 |
				(pc>>plainUpperShift&1)<<fastUpperShift | (pc>>plainDigitShift&1)<<fastDigitShift
		}
		if c < len(plainSep) && plainSep[c] {
			t.e[c] = fastSep
		}
	}
	return t
}()

// The fields of plainTab.e, and the most bytes plainFastLoop reads, which
// they count.
const (
	fastMaxRun     = 1<<10 - 1
	fastField      = 1<<10 - 1
	fastSepShift   = 32
	fastSep        = 1 << fastSepShift
	fastUpperShift = 42
	fastDigitShift = 52
	fastDigit      = 1 << fastDigitShift
)

// The lower case summed over fastMaxRun bytes stays under bit 32, and the
// digit field under bit 63.
var _ = [(1<<32-1)/255 - fastMaxRun]struct{}{} // 255·fastMaxRun < 2^32, in a length that fits a 32-bit int
var _ = [63 - fastDigitShift - 10]struct{}{}
