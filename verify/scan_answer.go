package verify

// verify-dense-2's answer scan: one pass over the answer's first scanBytes
// that counts its structure, words and numbers, and marks where each line
// ends; the line is hashed then, eight bytes at a time (lineset.go). It
// is scanAnswer1 without the copy of each line's hashed bytes that FNV-1a
// needed.

func scanAnswer(a string, ps *promptStats, x *[numFeatures]float64) {
	t, ok := answerText(a, x)
	if !ok {
		return
	}

	var (
		// ac holds the counts in memory (see scanAnswer1), so the loop
		// keeps i and the line's start in registers.
		ac    answerCounts
		ls    lineSet
		start int // the current line's first byte
	)
	ac.lastNumEnd = -1
	ac.lineHead(t, 0)
	for i := 0; i < len(t); {
		c := t[i]
		cl := byteClass[c]
		if cl&clLetter != 0 {
			// Words, and the single spaces between them, here.
			for {
				j := i + 1
				for {
					if j+8 > len(t) {
						for j < len(t) && byteClass[t[j]]&clLetter != 0 {
							j++
						}
						break
					}
					n := letters8(load8(t, j))
					j += n
					if n < 8 {
						break
					}
				}
				if m := answerIndex.candidatesOf(j-i, c, t[j-1]); m != 0 {
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
				// Plain punctuation (nothing to count), a space and
				// another word: the common cases go on here, away from
				// the end without a branch on which.
				if j+2 <= len(t) {
					j += plainPunct[t[j]]
					j += b2i(t[j] == ' ')
				} else {
					if j < len(t) && plainPunct[t[j]] != 0 {
						j++
					}
					if j < len(t) && t[j] == ' ' {
						j++
					}
				}
				if j >= len(t) || byteClass[t[j]]&clLetter == 0 {
					i = j
					break
				}
				i = j
				c = t[i]
			}
			continue
		}
		if cl&clDigit != 0 {
			if i == 0 || byteClass[t[i-1]]&clLetter == 0 {
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
				i = j
				continue
			}
			i++
			continue
		}
		if cl&clAnswer == 0 {
			i++
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
			i += 3
			continue
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
			i += 2
			continue
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
		i++
	}
	ls.addLine(t, start, len(t))
	ac.finish(&ls, t, ps, x)
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
