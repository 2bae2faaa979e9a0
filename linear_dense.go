package llmrouter

import (
	"github.com/llmrouter/llmrouter/internal/linear"
)

// LinearDenseFeatures names the dense text signals of a LinearClassifier,
// in order. They are counted by one byte pass over the first MaxScanBytes
// of the text (ASCII classes; every byte ≥ 0x80 counts as a letter) — the
// DefaultAnalyzer's own pass, or the classifier's when the features come
// from another analyzer — so training and serving agree exactly. For a
// longer text the counts are scaled by bytes / MaxScanBytes (log_bytes is
// exact):
//
//	log_bytes       ln(1 + bytes)
//	log_words       ln(1 + words), a word being a run of letters and digits
//	digit_share     digits / (bytes + 1)
//	log_numbers     ln(1 + runs of digits)
//	log_math        ln(1 + count of + - * / = ^ < > % $ \)
//	log_questions   ln(1 + count of ?)
//	log_lines       ln(1 + count of newlines)
//	log_code        ln(1 + count of { } ; ( ) [ ] + 5 per ``` fence)
//	upper_share     ASCII upper-case letters / (bytes + 1)
//	bytes_per_word  bytes / (words + 1)
var LinearDenseFeatures = [numDense]string{
	"log_bytes", "log_words", "digit_share", "log_numbers", "log_math",
	"log_questions", "log_lines", "log_code", "upper_share", "bytes_per_word",
}

const numDense = linear.NumDense

// byte classes for denseSignals.
const (
	linWord  = 1 << iota // letter, digit or non-ASCII byte
	linDigit             // 0-9
	linUpper             // A-Z
	linMath              // + - * / = ^ < > % $ \
	linCode              // { } ; ( ) [ ]
)

var linByteClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		switch {
		case c >= '0' && c <= '9':
			t[c] = linWord | linDigit
		case c >= 'A' && c <= 'Z':
			t[c] = linWord | linUpper
		case c >= 'a' && c <= 'z', c >= 0x80:
			t[c] = linWord
		}
	}
	for _, c := range "+-*/=^<>%$\\" {
		t[c] |= linMath
	}
	for _, c := range "{};()[]" {
		t[c] |= linCode
	}
	return t
}()

// denseSignals computes LinearDenseFeatures of text into d: from the
// first MaxScanBytes (scanWindow), its counts scaled to the whole text.
func denseSignals(text string, d *[numDense]float64) {
	c := countDense(text)
	c.dense(len(text), d)
}

// countDense counts, in one byte pass over scanWindow(text), what
// LinearDenseFeatures are made of. The DefaultAnalyzer's scanText counts
// the same in its own pass (textCounts); TestDenseCounts holds them equal.
func countDense(text string) textCounts {
	text = scanWindow(text)
	var words, digits, numbers, mathc, questions, lines, code, upper, fences int
	inWord, inNum := false, false
	for i := 0; i < len(text); i++ {
		c := text[i]
		k := linByteClass[c]
		if k == linWord { // a run of lower-case or non-ASCII letters: most bytes
			if !inWord {
				words++
				inWord = true
			}
			inNum = false
			for i+1 < len(text) && linByteClass[text[i+1]] == linWord {
				i++
			}
			continue
		}
		w := k&linWord != 0
		if w && !inWord {
			words++
		}
		inWord = w
		dg := k&linDigit != 0
		if dg {
			digits++
			if !inNum {
				numbers++
			}
		}
		inNum = dg
		if k&(linMath|linCode|linUpper) != 0 {
			switch {
			case k&linMath != 0:
				mathc++
			case k&linCode != 0:
				code++
			default:
				upper++
			}
			continue
		}
		switch c {
		case '?':
			questions++
		case '\n':
			lines++
		case '`':
			if i+2 < len(text) && text[i+1] == '`' && text[i+2] == '`' {
				fences++
				i += 2
				inWord, inNum = false, false
			}
		}
	}
	return textCounts{
		scanned: int32(len(text)), words: int32(words), digits: int32(digits), numbers: int32(numbers),
		mathc: int32(mathc), questions: int32(questions), lines: int32(lines), code: int32(code),
		upper: int32(upper), fences: int32(fences),
	}
}
