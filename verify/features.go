package verify

import (
	"bytes"
	"encoding/binary"
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

// featureSet names the feature list this build trains on and writes in
// the files of models it trains. It differs from featureSet1 only in the
// repeated-line feature's line hash (lineset.go): verify-dense-1 hashed a
// line's bytes but spaces with FNV-1a, one multiply a byte and the
// answer scan's largest single cost; verify-dense-2 hashes the line as it
// stands, trailing blanks dropped, eight bytes a multiply.
const featureSet = "verify-dense-2"

// featureSet1 is the earlier feature set: its models still load and score
// exactly as they did (Model.dense1, scanAnswer1).
const featureSet1 = "verify-dense-1"

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
	// numBits has bit numBit(v) set for each v of nums: an answer number
	// whose bit is clear equals none of them, so the scan skips the
	// comparisons for most answer numbers.
	numBits uint64
}

// numBit is the bit of v in promptStats.numBits. Equal numbers share it:
// the values number returns are never -0 (+0 added makes any -0 +0 all
// the same), and NaN, equal to nothing, may have any bit.
func numBit(v float64) uint64 {
	return 1 << ((math.Float64bits(v+0) * 0x9e3779b97f4a7c15) >> 58)
}

// extract fills x with the features of (prompt, answer) (featureSet).
func extract(prompt, answer string, x *[numFeatures]float64) {
	var p Prompt
	p.scan(prompt)
	p.extract(answer, x, false)
}

// extract1 fills x with the features of (prompt, answer) in featureSet1.
func extract1(prompt, answer string, x *[numFeatures]float64) {
	var p Prompt
	p.scan(prompt)
	p.extract(answer, x, true)
}

// scan reads prompt into p: its stats and its own features.
func (p *Prompt) scan(prompt string) {
	*p = Prompt{n: len(prompt)}
	ps := &p.ps
	scanPrompt(prompt, ps)
	pn := float64(max(ps.chars, 1))
	x := &p.x
	x[fPromptLogChars] = math.Log1p(float64(len(prompt)))
	x[fPromptDigits] = float64(ps.digits) / pn
	x[fPromptNumbers] = log1pN(ps.allNums)
	x[fPromptQuestions] = log1pN(ps.questions)
	x[fPromptCode] = b2f(ps.fences > 0 || float64(ps.codeSyms)/pn > 0.04)
	x[fPromptAsksCode] = b2f(ps.asksCode > 0)
	x[fPromptNonASCII] = float64(ps.nonASCII) / pn
}

// extract fills x with the features of (p's prompt, answer): featureSet1's
// if dense1, else featureSet's. The prompt's features are the same in both.
func (p *Prompt) extract(answer string, x *[numFeatures]float64, dense1 bool) {
	*x = p.x // the prompt's features; every answer feature 0
	ps := &p.ps
	if dense1 {
		scanAnswer1(answer, ps, x)
	} else {
		scanAnswer(answer, ps, x)
	}

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
	x[fAnsLogRatio] = math.Log((1 + float64(len(answer))) / (1 + float64(p.n)))
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
	if i+8 <= len(s) {
		if v, j, ok := integer8(s, i); ok {
			return v, j
		}
	}
	return numberBytes(s, i)
}

// numberBytes is number a byte at a time.
func numberBytes(s string, i int) (float64, int) {
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

// lineSet counts lines and the non-empty lines that repeat an earlier one
// (by hash, among the first maxLineHashes). It is a value the scan keeps
// on its stack; no closure captures the scan's loop variables, so they
// stay in registers.
type lineSet struct {
	hashes            [maxLineHashes]uint64
	n, repeats, lines int
	// seen has bit h*c>>58 set for each h of hashes: a line whose bit is
	// clear repeats none, so most lines skip the comparisons.
	seen uint64
}

// add ends a line of length n (bytes hashed) and hash h.
func (s *lineSet) add(h uint64, n int) {
	s.lines++
	if n == 0 {
		return
	}
	bit := uint64(1) << (h * 0x9e3779b97f4a7c15 >> 58)
	if s.seen&bit != 0 {
		for k := 0; k < s.n; k++ {
			if s.hashes[k] == h {
				s.repeats++
				break
			}
		}
	}
	if s.n < maxLineHashes {
		s.hashes[s.n] = h
		s.n++
		s.seen |= bit
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
	// Is the last "<<" after the last ">>"? Most tails have no '<'.
	tail := t[len(t)-min(len(t), 48):]
	if strings.IndexByte(tail, '<') < 0 {
		return false
	}
	for k := len(tail) - 2; k >= 0; k-- {
		if tail[k] == '<' && tail[k+1] == '<' {
			return true
		}
		if tail[k] == '>' && tail[k+1] == '>' {
			return false
		}
	}
	return false
}

// refusal reports whether the answer opens by declining: the first 120
// bytes, lower-cased, with curly apostrophes made straight, hold one of
// refusalHeads.
func refusal(t string) bool {
	var b [120 + 8]byte // room for an 8-byte store at any n < 120
	n, i := 0, 0
	// Plain ASCII eight bytes at a time, lower-cased without a table.
	for ; i+8 <= len(t) && n+8 <= 120; i, n = i+8, n+8 {
		u := load8(t, i)
		if u&his != 0 {
			break
		}
		store8(b[n:], u|upper8(u)>>2)
	}
	for ; i < len(t) && n < 120; i++ {
		c := lower[t[i]]
		if c == 0xe2 && i+2 < len(t) && t[i+1] == 0x80 && t[i+2] == 0x99 { // ’
			c = '\''
			i += 2
		}
		b[n] = c
		n++
	}
	// Heads start at "i'", "i " or "as": eight bytes at a time, a mask
	// marks where they may (byte k's high bit for l[s0+k]), so an answer
	// with none takes no loop over its bytes. b is zero past n.
	l := b[:n]
	for s0 := 0; s0+1 < n; s0 += 8 {
		u := binary.LittleEndian.Uint64(b[s0:])
		v := binary.LittleEndian.Uint64(b[s0+1:])
		m := has8(u, 'i')&(has8(v, '\'')|has8(v, ' ')) | has8(u, 'a')&has8(v, 's')
		for ; m != 0; m &= m - 1 {
			s := s0 + tz(m)>>3
			if s+1 >= n {
				break
			}
			var heads [][]byte
			switch {
			case l[s] == 'a':
				heads = refusalHeads[7:]
			case l[s] != 'i':
			case l[s+1] == '\'':
				heads = refusalHeads[:3]
			case l[s+1] == ' ':
				heads = refusalHeads[3:7]
			}
			for _, h := range heads {
				if bytes.HasPrefix(l[s:], h) {
					return true
				}
			}
		}
	}
	return false
}

// has8 returns the high bit of each byte of u that equals c, and maybe
// of others above one that does (the borrow runs on): refusal tests each
// place in full.
func has8(u uint64, c byte) uint64 {
	z := u ^ uint64(c)*ones
	return (z - ones) &^ z & his
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
