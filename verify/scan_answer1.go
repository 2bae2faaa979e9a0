package verify

// verify-dense-1's answer scan (scanAnswer is verify-dense-2's): one pass
// over the answer's first scanBytes that counts its structure, words,
// numbers and repeated lines, the lines hashed with FNV-1a (linehash.go).

func scanAnswer1(a string, ps *promptStats, x *[numFeatures]float64) {
	t, ok := answerText(a, x)
	if !ok {
		return
	}

	var (
		// ac holds the counts: fields of a struct this large stay in
		// memory, so the loop keeps its few hot variables (i, k, sym) in
		// registers instead of shuffling two dozen at every turn.
		ac answerCounts
		ls lineSet
		// sym holds the current line's hashed bytes (k of them) until the
		// line ends: hashing them in one tight loop per line costs less
		// than hashing letter by letter inside the scan, and hashing two
		// lines at once (lh) less again.
		lh  lineHasher
		sym = &lh.bufs[0] // lh.bufs[lh.np]
		k   int
	)
	ac.lastNumEnd, ac.lineHash = -1, fnvOffset
	ac.lineHead(t, 0)
	for i := 0; i < len(t); {
		if k > symFlush { // a long line: hash what it has so far
			ac.lineHash = fnvRun(ac.lineHash, sym[:k])
			ac.lineLen += k
			k = 0
		}
		c := t[i]
		cl := byteClass[c]
		if cl&clLetter != 0 {
			// Words, and the single spaces between them, here.
			for {
				// A word. Its first letter enters the line hash twice (once
				// as a byte, once as the word), as verify-dense-1 defines it.
				sym[k&symMask] = c
				k++
				j := i
				for {
					if j+8 > len(t) {
						for j < len(t) && byteClass[t[j]]&clLetter != 0 {
							sym[k&symMask] = t[j]
							k++
							j++
						}
						break
					}
					u := load8(t, j)
					n := letters8(u)
					store8(sym[k&symMask:], u)
					k += n
					j += n
					if n < 8 {
						break
					}
					if k > symFlush {
						ac.lineHash = fnvRun(ac.lineHash, sym[:k])
						ac.lineLen += k
						k = 0
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
				// Plain punctuation (hashed, nothing else to count), a
				// space (neither) and another word: the common cases go
				// on here.
				// Away from the end, without a branch on which.
				if j+2 <= len(t) {
					c := t[j]
					sym[k&symMask] = c
					pl := plainPunct[c]
					k += pl
					j += pl
					j += b2i(t[j] == ' ')
				} else {
					if j < len(t) && byteClass[t[j]]&(clDigit|clLetter|clNoHash|clAnswer) == 0 {
						sym[k&symMask] = t[j]
						k++
						j++
					}
					if j < len(t) && t[j] == ' ' {
						j++
					}
				}
				if j >= len(t) || byteClass[t[j]]&clLetter == 0 || k > symFlush {
					i = j
					break
				}
				i = j
				c = t[i]
			}
			continue
		}
		// Every other byte but ' ', '\n' and '\r' is hashed.
		sym[k&symMask] = c
		k += int(^cl >> 2 & 1) // 1 unless clNoHash
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
			sym = lh.end(&ls, ac.lineHash, ac.lineLen, k)
			ac.lineHash, ac.lineLen, k = fnvOffset, 0, 0
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
	lh.end(&ls, ac.lineHash, ac.lineLen, k)
	lh.flush(&ls)
	ac.finish(&ls, t, ps, x)
}

// answerCounts are the answer scans' counts.
type answerCounts struct {
	headers, bullets, numbered, bold, fences   int
	depth, unbalanced                          int
	nonASCII, nums, hedges, apologies, clarify int
	checked, wrong                             int
	used                                       uint32
	lastNum                                    float64
	lastNumEnd                                 int
	finalMarker                                bool
	lineHash                                   uint32
	lineLen                                    int
	inCode                                     bool
}

// lineHead counts the head of the line starting at t[i].
func (ac *answerCounts) lineHead(t string, i int) {
	switch lineHead(t, i) {
	case headHeader:
		ac.headers++
	case headBullet:
		ac.bullets++
	case headNumbered:
		ac.numbered++
	case headFinal:
		ac.finalMarker = true
	}
}

// finish fills x's answer features from the scan's counts, its lines and
// t, the trimmed answer.
func (ac *answerCounts) finish(ls *lineSet, t string, ps *promptStats, x *[numFeatures]float64) {
	if ac.inCode {
		x[fAnsFenceOpen] = 1
	}
	x[fAnsLogLines] = log1pN(ls.lines)
	x[fAnsHeaders] = log1pN(ac.headers)
	x[fAnsBullets] = log1pN(ac.bullets)
	x[fAnsNumbered] = log1pN(ac.numbered)
	x[fAnsBold] = log1pN(ac.bold / 2)
	x[fAnsFences] = log1pN(ac.fences / 2)
	x[fAnsCodeUnbalanced] = b2f(ac.unbalanced > 0)
	x[fAnsTruncated] = b2f(truncated(t))
	x[fAnsFinalMarker] = b2f(ac.finalMarker)
	if ac.lastNumEnd >= 0 && len(t)-ac.lastNumEnd <= 120 {
		x[fAnsTailNumber] = 1
		for k := 0; k < ps.nNums; k++ {
			if ps.nums[k] == ac.lastNum {
				x[fAnsTailInPrompt] = 1
			}
		}
	}
	x[fAnsArithChecked] = log1pN(ac.checked)
	x[fAnsArithWrong] = log1pN(ac.wrong)
	x[fAnsArithAnyWrong] = b2f(ac.wrong > 0)
	x[fAnsNumbers] = log1pN(ac.nums)
	if ps.nNums > 0 {
		n := 0
		for u := ac.used; u != 0; u &= u - 1 {
			n++
		}
		x[fAnsPromptNumsUsed] = float64(n) / float64(ps.nNums)
	} else {
		x[fAnsPromptNumsUsed] = 1
	}
	x[fAnsHedge] = log1pN(ac.hedges)
	x[fAnsApology] = b2f(ac.apologies > 0)
	x[fAnsClarify] = b2f(ac.clarify > 0 && len(t) < 600)
	x[fAnsRefusal] = b2f(refusal(t))
	if ls.n > 1 {
		x[fAnsRepeat] = float64(ls.repeats) / float64(ls.n)
	}
	x[fAnsNonASCII] = float64(ac.nonASCII) / float64(len(t))
}
