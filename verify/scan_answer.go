package verify

// verify-dense-2's answer scan: one pass over the answer's first scanBytes
// that counts its structure, words and numbers, and marks where each line
// ends; the line is hashed then, eight bytes at a time (lineset.go). It
// reads the answer 64 bytes at a time (blockmasks.go): the words from
// the block's letter mask, then the block's events (every byte but letters
// and spaces) in order. Words touch only their own
// counts, so taking a block's words before its events changes nothing.

func scanAnswer(a string, ps *promptStats, x *[numFeatures]float64) {
	t, ok := answerText(a, x)
	if !ok {
		return
	}

	var (
		// ac holds the counts in memory (see scanAnswer1), so the loop
		// keeps its position and masks in registers.
		ac    answerCounts
		ls    lineSet
		start int // the current line's first byte
		// next is the first byte no event has consumed (a number, a
		// fence, "**"): events before it are passed over.
		next  int
		lastL uint64 // the last byte before the block is a letter
		open  = -1   // the start of a word running on past the block
	)
	ac.lastNumEnd = -1
	ac.lineHead(t, 0)
	for base := 0; base < len(t); base += 64 {
		letters, events := blockMasks(t, base)
		prevL := letters<<1 | lastL // bit k: t[base+k-1] is a letter
		edges := letters ^ prevL
		starts, ends := edges&letters, edges&^letters
		lastL = letters >> 63

		// Words: a word's end is the first byte after it, the first end
		// bit above its start. Words shorter than any of answerWords are
		// passed over by their starts' mask (longRuns5).
		if open >= 0 && ends != 0 {
			j := base + tz(ends)
			if m := answerIndex.candidatesOf(j-open, t[open], t[j-1]); m != 0 {
				ac.word(t, open, j, m)
			}
			open = -1
		}
		for s := starts & longRuns5(letters); s != 0; s &= s - 1 {
			k := tz(s)
			e := ends & after(k)
			if e == 0 {
				open = base + k
				break
			}
			i, j := base+k, base+tz(e)
			if m := answerIndex.candidatesOf(j-i, t[i], t[j-1]); m != 0 {
				ac.word(t, i, j, m)
			}
		}

		// An event a number, a fence or "**" consumed is dropped from
		// the mask as it is consumed (after), no test per event.
		if next > base {
			events &= after(next - base)
		}
		for events != 0 {
			i := base + tz(events)
			events &= events - 1
			c := t[i]
			cl := byteClass[c]
			if cl&clDigit != 0 {
				if prevL>>uint(i-base)&1 != 0 {
					continue // "a12": the 1 is no number's; the 2 starts one
				}
				v, j := number(t, i)
				ac.nums++
				if ac.nums <= maxAnswerNums && ps.numBits&numBit(v) != 0 {
					var used uint32 // without a branch per number
					for q, pv := range ps.nums[:ps.nNums] {
						used |= uint32(b2i(pv == v)) << q
					}
					ac.used |= used
				}
				ac.lastNum, ac.lastNumEnd = v, j
				next = j
				events &= after(j - base)
				continue
			}
			if cl&clAnswer == 0 {
				continue
			}
			switch {
			case c == '\n':
				ls.addLine(t, start, i)
				start = i + 1
				ac.lineHead(t, i+1) // t is trimmed: a line follows
			case c == '`' && i+2 < len(t) && t[i+1] == '`' && t[i+2] == '`':
				ac.fences++
				if ac.inCode && ac.depth != 0 {
					ac.unbalanced++
				}
				ac.inCode = !ac.inCode
				ac.depth = 0
				next = i + 3
				events &= after(next - base)
			case ac.inCode && (c == '(' || c == '[' || c == '{'):
				ac.depth++
			case ac.inCode && (c == ')' || c == ']' || c == '}'):
				ac.depth--
				if ac.depth < 0 {
					ac.unbalanced++
					ac.depth = 0
				}
			case c == '*' && i+1 < len(t) && t[i+1] == '*':
				ac.bold++
				next = i + 2
				events &= after(next - base)
			case c == '=' && !ac.inCode:
				if ok, bad := checkEquation(t, i); ok {
					ac.checked++
					if bad {
						ac.wrong++
					}
				}
			case c >= 0x80:
				ac.nonASCII++
			}
		}
	}
	if open >= 0 {
		if m := answerIndex.candidatesOf(len(t)-open, t[open], t[len(t)-1]); m != 0 {
			ac.word(t, open, len(t), m)
		}
	}
	ls.addLine(t, start, len(t))
	ac.finish(&ls, t, ps, x)
}

// word counts the word t[i:j] (ASCII letters, i < j) whose candidates
// in answerWords are m (answerIndex.candidatesOf): most words have none,
// and the scan calls word only for the others.
func (ac *answerCounts) word(t string, i, j int, m uint32) {
	switch lookup(m, answerWords, t[i:j]) {
	case wordHedge:
		ac.hedges++
	case wordApology:
		ac.apologies++
	case wordClarify:
		ac.clarify++
	case wordAnswer:
		if j+4 < len(t) && (t[j] == ':' || t[j] == ' ' && (t[j+1] == 'i' || t[j+1] == 'I')) {
			ac.finalMarker = true // "answer: 42", "answer is 42"
		}
	case wordBoxed:
		ac.finalMarker = true
	}
}

// answerText sets the answer's length feature and returns what both
// feature sets' scans read: its first scanBytes, white space trimmed at
// both ends for the structural checks. An answer that is all white space
// is marked empty and cut short, and ok is false.
func answerText(a string, x *[numFeatures]float64) (t string, ok bool) {
	x[fAnsLogChars] = log1pN(len(a))
	if len(a) > scanBytes {
		a = a[:scanBytes]
	}
	lo, hi := 0, len(a)
	for lo < hi && isSpace(a[lo]) {
		lo++
	}
	for hi > lo && isSpace(a[hi-1]) {
		hi--
	}
	if lo == hi {
		x[fAnsEmpty] = 1
		x[fAnsTruncated] = 1
		return "", false
	}
	return a[lo:hi], true
}
