package verify

import (
	"bytes"
	"math"
	"strings"
)

// The reference extractor: the straightforward scan features.go had before
// it was rewritten around byte-class tables (verify-dense-1). The fast
// extractor must give bit-identical features (TestExtractMatchesReference,
// FuzzExtractMatchesReference).

// refExtract fills x with the features of (prompt, answer): featureSet1's
// if dense1, else featureSet's (the line hash the only difference).
func refExtract(prompt, answer string, x *[numFeatures]float64, dense1 bool) {
	*x = [numFeatures]float64{}
	var ps promptStats
	refScanPrompt(prompt, &ps)

	// Prompt features.
	pn := float64(max(ps.chars, 1))
	x[fPromptLogChars] = math.Log1p(float64(len(prompt)))
	x[fPromptDigits] = float64(ps.digits) / pn
	x[fPromptNumbers] = math.Log1p(float64(ps.allNums))
	x[fPromptQuestions] = math.Log1p(float64(ps.questions))
	x[fPromptCode] = b2f(ps.fences > 0 || float64(ps.codeSyms)/pn > 0.04)
	x[fPromptAsksCode] = b2f(ps.asksCode > 0)
	x[fPromptNonASCII] = float64(ps.nonASCII) / pn

	refScanAnswer(answer, &ps, x, dense1)

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

// number parses the number starting at s[i] (digits, thousands commas, one
// decimal point) and returns its value and the index after it. It does not
// allocate (strconv would, through its error).

func refScanPrompt(p string, ps *promptStats) {
	if len(p) > promptScanBytes {
		p = p[:promptScanBytes]
	}
	ps.chars = len(p)
	for i := 0; i < len(p); {
		c := p[i]
		switch {
		case isDigit(c):
			if i == 0 || !isLetter(p[i-1]) {
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
		case isLetter(c):
			j := i
			for j < len(p) && isLetter(p[j]) {
				j++
			}
			if refCodeWord(p[i:j]) {
				ps.asksCode++
			}
			i = j
			continue
		case c == '?':
			ps.questions++
		case c == '{' || c == '}' || c == ';' || c == '<' || c == '>' || c == '=' || c == '(' || c == ')' || c == '[' || c == ']':
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

// codeWord reports whether w (ASCII letters) asks for or talks of code.
func refCodeWord(w string) bool {
	if len(w) < 3 || len(w) > 10 {
		return false
	}
	var b [10]byte
	for i := 0; i < len(w); i++ {
		b[i] = w[i] | 0x20
	}
	switch string(b[:len(w)]) {
	case "code", "function", "python", "script", "program", "implement", "javascript", "java", "sql", "query",
		"class", "regex", "bash", "rust", "golang", "typescript", "html", "css", "api", "debug", "compile":
		return true
	}
	return false
}

// hedgeWord classifies a lower-cased word: 1 hedge, 2 apology, 3 asks to clarify.
func refHedgeWord(w []byte) int {
	switch string(w) {
	case "perhaps", "possibly", "maybe", "might", "unsure", "uncertain", "unclear", "approximately",
		"assume", "assuming", "roughly", "likely", "unknown", "cannot", "unable", "impossible":
		return 1
	case "sorry", "apologize", "apologies", "unfortunately":
		return 2
	case "clarify", "clarification", "specify", "provide":
		return 3
	}
	return 0
}

func refScanAnswer(a string, ps *promptStats, x *[numFeatures]float64, dense1 bool) {
	full := len(a)
	x[fAnsLogChars] = math.Log1p(float64(full))
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
		lines, headers, bullets, numbered, bold, fences int
		depth, unbalanced                               int
		nonASCII, nums, hedges, apologies, clarify      int
		checked, wrong                                  int
		used                                            uint32
		lastNum                                         float64
		lastNumEnd                                      = -1
		finalMarker                                     bool
		hashes                                          [maxLineHashes]uint64
		nh, repeats                                     int
		lineHash                                        uint32 = 2166136261
		lineLen                                         int
		inCode                                          bool
		word                                            [16]byte
	)
	lineStart := true
	lineLo := 0 // the current line's first byte
	endLine := func(end int) {
		lines++
		h := uint64(lineHash)
		if !dense1 {
			line := strings.TrimRight(t[lineLo:end], " \t\r")
			h, lineLen = refLineHash2(line), len(line)
		}
		lineLo = end + 1
		if lineLen > 0 {
			for k := 0; k < nh; k++ {
				if hashes[k] == h {
					repeats++
					break
				}
			}
			if nh < maxLineHashes {
				hashes[nh] = h
				nh++
			}
		}
		lineHash, lineLen = 2166136261, 0
		lineStart = true
	}
	for i := 0; i < len(t); {
		c := t[i]
		if lineStart {
			lineStart = false
			j := i
			for j < len(t) && (t[j] == ' ' || t[j] == '\t') {
				j++
			}
			if j < len(t) {
				switch d := t[j]; {
				case d == '#':
					k := j
					for k < len(t) && t[k] == '#' {
						k++
					}
					if k-j == 4 && k+1 < len(t) && (isDigit(t[k+1]) || t[k+1] == '$' || t[k+1] == '-') || k < len(t) && isDigit(t[k]) {
						finalMarker = true // GSM8K's "#### 42"
					} else if k < len(t) && t[k] == ' ' {
						headers++
					}
				case (d == '-' || d == '*' || d == '+') && j+1 < len(t) && t[j+1] == ' ':
					bullets++
				case isDigit(d):
					k := j
					for k < len(t) && isDigit(t[k]) {
						k++
					}
					if k < len(t) && (t[k] == '.' || t[k] == ')') && k+1 < len(t) && t[k+1] == ' ' {
						numbered++
					}
				}
			}
		}
		if c != '\n' && c != '\r' && c != ' ' {
			lineHash = (lineHash ^ uint32(c)) * 16777619
			lineLen++
		}
		switch {
		case c == '\n':
			endLine(i)
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
		case isDigit(c) && (i == 0 || !isLetter(t[i-1])):
			v, j := number(t, i)
			nums++
			if nums <= maxAnswerNums {
				for k := 0; k < ps.nNums; k++ {
					if ps.nums[k] == v {
						used |= 1 << k
					}
				}
			}
			lastNum, lastNumEnd = v, j
			i = j
			continue
		case isLetter(c):
			j := i
			for j < len(t) && isLetter(t[j]) {
				j++
			}
			if n := j - i; n >= 4 && n <= len(word) {
				for k := 0; k < n; k++ {
					word[k] = t[i+k] | 0x20
				}
				switch refHedgeWord(word[:n]) {
				case 1:
					hedges++
				case 2:
					apologies++
				case 3:
					clarify++
				}
				if n == 6 && string(word[:6]) == "answer" && j+4 < len(t) && (t[j] == ':' || t[j] == ' ' && (t[j+1] == 'i' || t[j+1] == 'I')) {
					finalMarker = true // "answer: 42", "answer is 42"
				}
				if n == 5 && string(word[:5]) == "boxed" {
					finalMarker = true
				}
			}
			for k := i; k < j; k++ {
				lineHash = (lineHash ^ uint32(t[k])) * 16777619
			}
			lineLen += j - i
			i = j
			continue
		case c >= 0x80:
			nonASCII++
		}
		i++
	}
	endLine(len(t))
	if inCode {
		x[fAnsFenceOpen] = 1
	}
	x[fAnsLogLines] = math.Log1p(float64(lines))
	x[fAnsHeaders] = math.Log1p(float64(headers))
	x[fAnsBullets] = math.Log1p(float64(bullets))
	x[fAnsNumbered] = math.Log1p(float64(numbered))
	x[fAnsBold] = math.Log1p(float64(bold / 2))
	x[fAnsFences] = math.Log1p(float64(fences / 2))
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
	x[fAnsArithChecked] = math.Log1p(float64(checked))
	x[fAnsArithWrong] = math.Log1p(float64(wrong))
	x[fAnsArithAnyWrong] = b2f(wrong > 0)
	x[fAnsNumbers] = math.Log1p(float64(nums))
	if ps.nNums > 0 {
		n := 0
		for u := used; u != 0; u &= u - 1 {
			n++
		}
		x[fAnsPromptNumsUsed] = float64(n) / float64(ps.nNums)
	} else {
		x[fAnsPromptNumsUsed] = 1
	}
	x[fAnsHedge] = math.Log1p(float64(hedges))
	x[fAnsApology] = b2f(apologies > 0)
	x[fAnsClarify] = b2f(clarify > 0 && len(t) < 600)
	x[fAnsRefusal] = b2f(refRefusal(t))
	if nh > 1 {
		x[fAnsRepeat] = float64(repeats) / float64(nh)
	}
	x[fAnsNonASCII] = float64(nonASCII) / float64(len(t))
}

// truncated reports whether t (trimmed, non-empty) ends where no finished
// answer does: inside a word, after a comma or an operator, or inside a
// GSM8K calculator annotation.

// refusal reports whether the answer opens by declining: the first 120
// bytes, lower-cased, with curly apostrophes made straight.
func refRefusal(t string) bool {
	var b [120]byte
	n := 0
	for i := 0; i < len(t) && n < len(b); i++ {
		c := t[i]
		if c >= 'A' && c <= 'Z' {
			c |= 0x20
		}
		if c == 0xe2 && i+2 < len(t) && t[i+1] == 0x80 && t[i+2] == 0x99 { // ’
			c = '\''
			i += 2
		}
		b[n] = c
		n++
	}
	for _, p := range refRefusalHeads {
		if bytes.Contains(b[:n], p) {
			return true
		}
	}
	return false
}

var refRefusalHeads = [][]byte{[]byte("i'm sorry, but i can"), []byte("i cannot"), []byte("i can't"), []byte("i am unable"),
	[]byte("i'm unable"), []byte("i am not able"), []byte("i'm not able"), []byte("as an ai")}

// refLineHash2 is verify-dense-2's line hash byte by byte: the length
// seeds it, then each 8-byte chunk, little-endian, the last zero-padded.
func refLineHash2(line string) uint64 {
	h := uint64(0x243f6a8885a308d3) ^ uint64(len(line))
	for off := 0; off < len(line); off += 8 {
		var w uint64
		for k := 0; k < 8 && off+k < len(line); k++ {
			w |= uint64(line[off+k]) << (8 * k)
		}
		h = (h ^ w) * 0x9e3779b97f4a7c15
		h ^= h >> 29
	}
	return h
}
