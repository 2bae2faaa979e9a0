package verify

import (
	"bytes"
	"math"
	"strings"
)

// The features a Model reads: a fixed dense vector computed from the prompt
// and the answer in one pass over each (the first scanBytes of the answer,
// the first promptScanBytes of the prompt; the rest is only measured), with
// no allocation. A model file names them; a file whose names differ from
// this build's is refused, so changing this list means a new default model
// (go generate) and a new feature-set name.

const (
	scanBytes       = 16 << 10
	promptScanBytes = 4 << 10
	maxPromptNums   = 32 // prompt numbers compared with the answer's
	maxAnswerNums   = 96 // answer numbers compared with the prompt's
	maxLineHashes   = 64 // lines compared for repetition
)

// featureSet names this build's feature list; it is written in every model
// file and must match on reading.
const featureSet = "verify-dense-1"

// The feature indices.
const (
	fAnsLogChars = iota
	fAnsLogLines
	fAnsEmpty
	fAnsLogRatio
	fAnsHeaders
	fAnsBullets
	fAnsNumbered
	fAnsBold
	fAnsFences
	fAnsFenceOpen
	fAnsCodeUnbalanced
	fAnsTruncated
	fAnsFinalMarker
	fAnsTailNumber
	fAnsTailInPrompt
	fAnsArithChecked
	fAnsArithWrong
	fAnsArithAnyWrong
	fAnsNumbers
	fAnsPromptNumsUsed
	fAnsHedge
	fAnsRefusal
	fAnsApology
	fAnsClarify
	fAnsRepeat
	fAnsNonASCII
	fPromptLogChars
	fPromptDigits
	fPromptNumbers
	fPromptQuestions
	fPromptCode
	fPromptAsksCode
	fPromptNonASCII
	fMathNoTail
	fCodeNoFence
	fMathLogChars
	numFeatures
)

var featureNames = [numFeatures]string{
	"answer_log_chars", "answer_log_lines", "answer_empty", "answer_prompt_log_ratio",
	"answer_headers", "answer_bullets", "answer_numbered", "answer_bold", "answer_fences",
	"answer_fence_open", "answer_code_unbalanced", "answer_truncated", "answer_final_marker",
	"answer_tail_number", "answer_tail_in_prompt", "answer_arith_checked", "answer_arith_wrong",
	"answer_arith_any_wrong", "answer_numbers", "answer_prompt_numbers_used", "answer_hedges",
	"answer_refusal", "answer_apology", "answer_clarify", "answer_repeated_lines", "answer_non_ascii",
	"prompt_log_chars", "prompt_digits", "prompt_numbers", "prompt_questions", "prompt_code",
	"prompt_asks_code", "prompt_non_ascii", "math_prompt_no_tail_number", "code_prompt_no_fence",
	"math_prompt_answer_log_chars",
}

// promptStats is what the prompt scan finds.
type promptStats struct {
	chars, digits, nonASCII, questions, codeSyms int
	fences, asksCode                             int
	nums                                         [maxPromptNums]float64
	nNums, allNums                               int
}

// extract fills x with the features of (prompt, answer).
func extract(prompt, answer string, x *[numFeatures]float64) {
	*x = [numFeatures]float64{}
	var ps promptStats
	scanPrompt(prompt, &ps)

	// Prompt features.
	pn := float64(max(ps.chars, 1))
	x[fPromptLogChars] = math.Log1p(float64(len(prompt)))
	x[fPromptDigits] = float64(ps.digits) / pn
	x[fPromptNumbers] = log1pN(ps.allNums)
	x[fPromptQuestions] = log1pN(ps.questions)
	x[fPromptCode] = b2f(ps.fences > 0 || float64(ps.codeSyms)/pn > 0.04)
	x[fPromptAsksCode] = b2f(ps.asksCode > 0)
	x[fPromptNonASCII] = float64(ps.nonASCII) / pn

	scanAnswer(answer, &ps, x)

	mathPrompt := ps.allNums >= 2 && ps.fences == 0
	if mathPrompt && x[fAnsTailNumber] == 0 {
		x[fMathNoTail] = 1
	}
	if mathPrompt {
		x[fMathLogChars] = x[fAnsLogChars]
	}
	if ps.asksCode > 0 && x[fAnsFences] == 0 {
		x[fCodeNoFence] = 1
	}
	x[fAnsLogRatio] = math.Log((1 + float64(len(answer))) / (1 + float64(len(prompt))))
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// number parses the number starting at s[i] (digits, thousands commas, one
// decimal point) and returns its value and the index after it. It does not
// allocate (strconv would, through its error).
func number(s string, i int) (float64, int) {
	v, scale := 0.0, 0.0
	j := i
	for ; j < len(s); j++ {
		c := s[j]
		switch {
		case isDigit(c):
			v = v*10 + float64(c-'0')
			if scale != 0 {
				scale *= 10
			}
		case c == ',' && scale == 0 && j > i && allDigits(s, j+1, 3):
			// thousands separator
		case c == '.' && scale == 0 && j+1 < len(s) && isDigit(s[j+1]):
			scale = 1
		default:
			if scale > 1 {
				v /= scale
			}
			return v, j
		}
	}
	if scale > 1 {
		v /= scale
	}
	return v, j
}

func allDigits(s string, i, n int) bool {
	if i+n > len(s) {
		return false
	}
	for k := i; k < i+n; k++ {
		if !isDigit(s[k]) {
			return false
		}
	}
	return i+n == len(s) || !isDigit(s[i+n])
}

func scanPrompt(p string, ps *promptStats) {
	if len(p) > promptScanBytes {
		p = p[:promptScanBytes]
	}
	ps.chars = len(p)
	for i := 0; i < len(p); {
		c := p[i]
		cl := byteClass[c]
		switch {
		case cl&clLetter != 0:
			for {
				j := wordEnd(p, i+1)
				if m := promptIndex.candidates(p[i:j]); m != 0 && lookup(m, promptWords, p[i:j]) != 0 {
					ps.asksCode++
				}
				// A space (nothing to count) and another word: go on here.
				if j+1 >= len(p) || p[j] != ' ' || byteClass[p[j+1]]&clLetter == 0 {
					i = j
					break
				}
				i = j + 1
			}
			continue
		case cl&clDigit != 0:
			if i == 0 || byteClass[p[i-1]]&clLetter == 0 {
				v, j := number(p, i)
				ps.digits += j - i
				if ps.nNums < maxPromptNums {
					ps.nums[ps.nNums] = v
					ps.nNums++
				}
				ps.allNums++
				i = j
				continue
			}
			ps.digits++
		case cl&clPrompt == 0:
		case c == '?':
			ps.questions++
		case cl&clCodeSym != 0:
			ps.codeSyms++
		case c == '`':
			if i+2 < len(p) && p[i+1] == '`' && p[i+2] == '`' {
				ps.fences++
				i += 3
				continue
			}
		case c >= 0x80:
			ps.nonASCII++
		}
		i++
	}
}

func scanAnswer(a string, ps *promptStats, x *[numFeatures]float64) {
	full := len(a)
	x[fAnsLogChars] = log1pN(full)
	if len(a) > scanBytes {
		a = a[:scanBytes]
	}
	// Trim white space at both ends for the structural checks.
	lo, hi := 0, len(a)
	for lo < hi && isSpace(a[lo]) {
		lo++
	}
	for hi > lo && isSpace(a[hi-1]) {
		hi--
	}
	t := a[lo:hi]
	if len(t) == 0 {
		x[fAnsEmpty] = 1
		x[fAnsTruncated] = 1
		return
	}

	var (
		headers, bullets, numbered, bold, fences   int
		depth, unbalanced                          int
		nonASCII, nums, hedges, apologies, clarify int
		checked, wrong                             int
		used                                       uint32
		lastNum                                    float64
		lastNumEnd                                 = -1
		finalMarker                                bool
		ls                                         lineSet
		lineHash                                   uint32 = fnvOffset
		lineLen                                    int
		inCode                                     bool
		// sym holds the current line's hashed bytes (k of them) until the
		// line ends: hashing them in one tight loop per line costs less
		// than hashing letter by letter inside the scan, and hashing two
		// lines at once (lh) less again.
		lh  lineHasher
		sym = &lh.bufs[0] // lh.bufs[lh.np]
		k   int
	)
	lineStart := true
	for i := 0; i < len(t); {
		if k > symFlush { // a long line: hash what it has so far
			lineHash = fnvRun(lineHash, sym[:k])
			lineLen += k
			k = 0
		}
		if lineStart {
			lineStart = false
			switch lineHead(t, i) {
			case headHeader:
				headers++
			case headBullet:
				bullets++
			case headNumbered:
				numbered++
			case headFinal:
				finalMarker = true
			}
		}
		c := t[i]
		cl := byteClass[c]
		if cl&clLetter != 0 {
			// Words, and the single spaces between them, here.
			for {
				// A word. Its first letter enters the line hash twice (once
				// as a byte, once as the word), as verify-dense-1 defines it.
				sym[k] = c
				k++
				j := i
				for {
					if j+8 > len(t) {
						for j < len(t) && byteClass[t[j]]&clLetter != 0 {
							sym[k] = t[j]
							k++
							j++
						}
						break
					}
					u := load8(t, j)
					n := letters8(u)
					store8(sym[k:], u)
					k += n
					j += n
					if n < 8 {
						break
					}
					if k > symFlush {
						lineHash = fnvRun(lineHash, sym[:k])
						lineLen += k
						k = 0
					}
				}
				if m := answerIndex.candidates(t[i:j]); m != 0 {
					switch lookup(m, answerWords, t[i:j]) {
					case wordHedge:
						hedges++
					case wordApology:
						apologies++
					case wordClarify:
						clarify++
					case wordAnswer:
						if j+4 < len(t) && (t[j] == ':' || t[j] == ' ' && (t[j+1] == 'i' || t[j+1] == 'I')) {
							finalMarker = true // "answer: 42", "answer is 42"
						}
					case wordBoxed:
						finalMarker = true
					}
				}
				// Plain punctuation (hashed, nothing else to count), a
				// space (neither) and another word: the common cases go
				// on here.
				if j < len(t) && byteClass[t[j]]&(clDigit|clLetter|clNoHash|clAnswer) == 0 {
					sym[k] = t[j]
					k++
					j++
				}
				if j < len(t) && t[j] == ' ' {
					j++
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
		sym[k] = c
		k += int(^cl >> 2 & 1) // 1 unless clNoHash
		if cl&clDigit != 0 {
			if i == 0 || byteClass[t[i-1]]&clLetter == 0 {
				v, j := number(t, i)
				nums++
				if nums <= maxAnswerNums {
					for q := 0; q < ps.nNums; q++ {
						if ps.nums[q] == v {
							used |= 1 << q
						}
					}
				}
				lastNum, lastNumEnd = v, j
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
			sym = lh.end(&ls, lineHash, lineLen, k)
			lineHash, lineLen, k = fnvOffset, 0, 0
			lineStart = true
		case c == '`' && i+2 < len(t) && t[i+1] == '`' && t[i+2] == '`':
			fences++
			if inCode && depth != 0 {
				unbalanced++
			}
			inCode = !inCode
			depth = 0
			i += 3
			continue
		case inCode && (c == '(' || c == '[' || c == '{'):
			depth++
		case inCode && (c == ')' || c == ']' || c == '}'):
			depth--
			if depth < 0 {
				unbalanced++
				depth = 0
			}
		case c == '*' && i+1 < len(t) && t[i+1] == '*':
			bold++
			i += 2
			continue
		case c == '=' && !inCode:
			if ok, bad := checkEquation(t, i); ok {
				checked++
				if bad {
					wrong++
				}
			}
		case c >= 0x80:
			nonASCII++
		}
		i++
	}
	lh.end(&ls, lineHash, lineLen, k)
	lh.flush(&ls)
	if inCode {
		x[fAnsFenceOpen] = 1
	}
	x[fAnsLogLines] = log1pN(ls.lines)
	x[fAnsHeaders] = log1pN(headers)
	x[fAnsBullets] = log1pN(bullets)
	x[fAnsNumbered] = log1pN(numbered)
	x[fAnsBold] = log1pN(bold / 2)
	x[fAnsFences] = log1pN(fences / 2)
	x[fAnsCodeUnbalanced] = b2f(unbalanced > 0)
	x[fAnsTruncated] = b2f(truncated(t))
	x[fAnsFinalMarker] = b2f(finalMarker)
	if lastNumEnd >= 0 && len(t)-lastNumEnd <= 120 {
		x[fAnsTailNumber] = 1
		for k := 0; k < ps.nNums; k++ {
			if ps.nums[k] == lastNum {
				x[fAnsTailInPrompt] = 1
			}
		}
	}
	x[fAnsArithChecked] = log1pN(checked)
	x[fAnsArithWrong] = log1pN(wrong)
	x[fAnsArithAnyWrong] = b2f(wrong > 0)
	x[fAnsNumbers] = log1pN(nums)
	if ps.nNums > 0 {
		n := 0
		for u := used; u != 0; u &= u - 1 {
			n++
		}
		x[fAnsPromptNumsUsed] = float64(n) / float64(ps.nNums)
	} else {
		x[fAnsPromptNumsUsed] = 1
	}
	x[fAnsHedge] = log1pN(hedges)
	x[fAnsApology] = b2f(apologies > 0)
	x[fAnsClarify] = b2f(clarify > 0 && len(t) < 600)
	x[fAnsRefusal] = b2f(refusal(t))
	if ls.n > 1 {
		x[fAnsRepeat] = float64(ls.repeats) / float64(ls.n)
	}
	x[fAnsNonASCII] = float64(nonASCII) / float64(len(t))
}

// lineSet counts lines and the non-empty lines that repeat an earlier one
// (by hash, among the first maxLineHashes). It is a value the scan keeps
// on its stack; no closure captures the scan's loop variables, so they
// stay in registers.
type lineSet struct {
	hashes            [maxLineHashes]uint32
	n, repeats, lines int
}

// add ends a line of length n (bytes hashed) and hash h.
func (s *lineSet) add(h uint32, n int) {
	s.lines++
	if n == 0 {
		return
	}
	for k := 0; k < s.n; k++ {
		if s.hashes[k] == h {
			s.repeats++
			break
		}
	}
	if s.n < maxLineHashes {
		s.hashes[s.n] = h
		s.n++
	}
}

// What a line starts with.
const (
	headNone = iota
	headHeader
	headBullet
	headNumbered
	headFinal // GSM8K's "#### 42"
)

// lineHead reads the start of the line at t[i]: a Markdown header, a
// bullet, a numbered item or GSM8K's "#### 42" final answer.
func lineHead(t string, i int) int {
	j := i
	for j < len(t) && (t[j] == ' ' || t[j] == '\t') {
		j++
	}
	if j >= len(t) {
		return headNone
	}
	switch d := t[j]; {
	case d == '#':
		k := j
		for k < len(t) && t[k] == '#' {
			k++
		}
		if k-j == 4 && k+1 < len(t) && (isDigit(t[k+1]) || t[k+1] == '$' || t[k+1] == '-') || k < len(t) && isDigit(t[k]) {
			return headFinal
		} else if k < len(t) && t[k] == ' ' {
			return headHeader
		}
	case (d == '-' || d == '*' || d == '+') && j+1 < len(t) && t[j+1] == ' ':
		return headBullet
	case isDigit(d):
		k := j
		for k < len(t) && isDigit(t[k]) {
			k++
		}
		if k < len(t) && (t[k] == '.' || t[k] == ')') && k+1 < len(t) && t[k+1] == ' ' {
			return headNumbered
		}
	}
	return headNone
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// truncated reports whether t (trimmed, non-empty) ends where no finished
// answer does: inside a word, after a comma or an operator, or inside a
// GSM8K calculator annotation.
func truncated(t string) bool {
	c := t[len(t)-1]
	switch {
	case isLetter(c):
		return true
	case c == ',' || c == '+' || c == '-' || c == '*' || c == '/' || c == '=' || c == '<' || c == '(' || c == '[':
		return true
	}
	// A GSM8K calculator annotation is short: look for an open one in the
	// tail only.
	tail := t[len(t)-min(len(t), 48):]
	if o := strings.LastIndex(tail, "<<"); o >= 0 && strings.LastIndex(tail, ">>") < o {
		return true
	}
	return false
}

// refusal reports whether the answer opens by declining: the first 120
// bytes, lower-cased, with curly apostrophes made straight, hold one of
// refusalHeads.
func refusal(t string) bool {
	var b [120 + 1]byte // one spare byte so every s < n has b[s+1]
	n := 0
	for i := 0; i < len(t) && n < 120; i++ {
		c := lower[t[i]]
		if c == 0xe2 && i+2 < len(t) && t[i+1] == 0x80 && t[i+2] == 0x99 { // ’
			c = '\''
			i += 2
		}
		b[n] = c
		n++
	}
	// Test the heads only where one could start: at "i'", "i " or "as".
	for s := 0; s+1 < n; s++ {
		var heads [][]byte
		switch uint16(b[s]) | uint16(b[s+1])<<8 {
		case 'i' | '\''<<8:
			heads = refusalHeads[:3]
		case 'i' | ' '<<8:
			heads = refusalHeads[3:7]
		case 'a' | 's'<<8:
			heads = refusalHeads[7:]
		default:
			continue
		}
		for _, h := range heads {
			if bytes.HasPrefix(b[s:n], h) {
				return true
			}
		}
	}
	return false
}

// refusalHeads, grouped by their first two bytes ("i'", "i ", "as").
var refusalHeads = [][]byte{[]byte("i'm sorry, but i can"), []byte("i'm unable"), []byte("i'm not able"),
	[]byte("i cannot"), []byte("i can't"), []byte("i am unable"), []byte("i am not able"),
	[]byte("as an ai")}

// lower maps 'A'–'Z' to lower case and every other byte to itself.
var lower = func() (l [256]byte) {
	for c := range l {
		l[c] = byte(c)
		if c >= 'A' && c <= 'Z' {
			l[c] = byte(c) | 0x20
		}
	}
	return l
}()
