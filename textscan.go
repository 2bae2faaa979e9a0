package llmrouter

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxScanBytes bounds how much of a prompt's text is read for its content:
// the analyzer's n-grams and signals and a LinearClassifier's dense
// signals (in training too) describe the first MaxScanBytes bytes of
// Features.Text (cut back to a rune boundary), 10 KiB, about 1,600
// English words. Past it, a prompt only adds to the counts that cost
// nothing to keep exact — Tokens, Chars and Lines — so a marker, a code
// fence or a question after the first 10 KiB of a long prompt is not
// seen: the request is judged by its beginning. Why 10 KiB: every prompt
// of the public outcome data the built-in model was trained on is
// shorter (the longest, 9,143 bytes), so no model reads past it, and it
// bounds a decision on a prompt of any length at about ten times the
// cost of a 1 KB one.
const MaxScanBytes = 10 << 10

// scanWindow returns the prefix of text that is scanned for content.
func scanWindow(text string) string {
	if len(text) <= MaxScanBytes {
		return text
	}
	n := MaxScanBytes
	for n > 0 && !utf8.RuneStart(text[n]) {
		n--
	}
	return text[:n]
}

// textCounts are the raw counts behind LinearDenseFeatures, kept in
// Features by the DefaultAnalyzer so that a LinearClassifier need not
// read the text again. ok is false (the zero value) when the analyzer did
// not fill them; text is the Features.Text they were counted on, so that
// counts left behind by an analyzer that then changed Text are not used.
type textCounts struct {
	ok   bool
	text string

	scanned                                                              int32 // bytes read: len(scanWindow(text))
	words, digits, numbers, mathc, questions, lines, code, upper, fences int32
}

// countsFor returns f's counts if they describe f.Text.
func (f *Features) countsFor() (*textCounts, bool) {
	c := &f.counts
	return c, c.ok && len(c.text) == len(f.Text) && (len(f.Text) == 0 || c.text == f.Text)
}

// dense computes LinearDenseFeatures from the counts of a text of n bytes.
// Counts of a window shorter than the text are scaled to the whole text.
func (c *textCounts) dense(n int, d *[numDense]float64) {
	fn := float64(n)
	if int(c.scanned) < n && c.scanned > 0 {
		s := float64(n) / float64(c.scanned)
		words := float64(c.words) * s
		d[0] = math.Log1p(fn)
		d[1] = math.Log1p(words)
		d[2] = float64(c.digits) * s / (fn + 1)
		d[3] = math.Log1p(float64(c.numbers) * s)
		d[4] = math.Log1p(float64(c.mathc) * s)
		d[5] = math.Log1p(float64(c.questions) * s)
		d[6] = math.Log1p(float64(c.lines) * s)
		d[7] = math.Log1p(float64(c.code+5*c.fences) * s)
		d[8] = float64(c.upper) * s / (fn + 1)
		d[9] = fn / (words + 1)
		return
	}
	// The whole text was read (s = 1): the logarithms are of whole
	// numbers, most of them small, which log1pInt looks up.
	words := float64(c.words)
	d[0] = log1pInt(n)
	d[1] = log1pInt(int(c.words))
	d[2] = float64(c.digits) / (fn + 1)
	d[3] = log1pInt(int(c.numbers))
	d[4] = log1pInt(int(c.mathc))
	d[5] = log1pInt(int(c.questions))
	d[6] = log1pInt(int(c.lines))
	d[7] = log1pInt(int(c.code + 5*c.fences))
	d[8] = float64(c.upper) / (fn + 1)
	d[9] = fn / (words + 1)
}

// log1pInt is math.Log1p(float64(k)), from a table for k < 1024 (the
// same function's values, so the same bits: TestLog1pInt).
func log1pInt(k int) float64 {
	if uint(k) < uint(len(log1pTab)) {
		return log1pTab[k]
	}
	return math.Log1p(float64(k))
}

var log1pTab = func() (t [1024]float64) {
	for k := range t {
		t[k] = math.Log1p(float64(k))
	}
	return t
}()

// Byte classes of the analyzer's one pass (bits).
const (
	fWord      uint16 = 1 << iota // ASCII letter or digit: part of a word
	fDigit                        // 0-9
	fUpper                        // A-Z
	fNewline                      // \n
	fSpace                        // space, tab, \r
	fQuestion                     // ?
	fBacktick                     // `
	fBackslash                    // \
	fMath                         // + * ^ = / < > %: Features.Math
	fCode                         // { } ; [ ] ( ) _ & |: Features.Code
	fDMath                        // + - * / = ^ < > % $ \: log_math
	fDCode                        // { } ; ( ) [ ]: log_code
)

var scanClass = func() (t [utf8.RuneSelf]uint16) {
	for c := '0'; c <= '9'; c++ {
		t[c] = fWord | fDigit
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = fWord, fWord|fUpper
	}
	t['\n'] = fNewline
	t[' '], t['\t'], t['\r'] = fSpace, fSpace, fSpace
	t['?'] = fQuestion
	t['`'] = fBacktick
	t['\\'] = fBackslash
	for _, c := range "+*^=/<>%" {
		t[c] |= fMath
	}
	for _, c := range "{};[]()_&|" {
		t[c] |= fCode
	}
	for _, c := range "+-*/=^<>%$\\" {
		t[c] |= fDMath
	}
	for _, c := range "{};()[]" {
		t[c] |= fDCode
	}
	return t
}()

// scanText reads f.Text once, up to MaxScanBytes: it appends the n-grams
// of the first maxWords words to ngrams (as HashNGrams does), and fills
// every content signal of f and the counts a LinearClassifier needs. It
// returns what estimateTokens counts of the whole text: past the window,
// that and Chars and Lines are all it reads.
func scanText(f *Features, ngrams []uint32, maxWords int) runeCounts {
	if maxWords <= 0 {
		maxWords = DefaultMaxNGramWords
	}
	full := f.Text
	text := scanWindow(full)
	var (
		// n-gram hashing, as HashNGrams
		words           int
		inWord, hasPrev bool
		hashing         = true
		prevHash        uint32
		hU, hB          uint32
		// content signals
		runes, nonASCII, digits, mathOps, codeSyms, latex   int
		asciiWordBytes, newlines, numbered, questions, uniQ int
		nonASCIIBytes, cjk                                  int
		scripts                                             [len(scriptNames)]int
		lineStart                                           = true
		// dense counts: a dense word is a run of ASCII letters, digits and
		// bytes ≥ 0x80; a number a run of digits
		dWords, numbers, mathc, code, upper, fences int
		dInWord                                     bool
		pr                                          plainRun // scanPlain's state
	)
	for i := 0; i < len(text); {
		c := text[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(text[i:])
			i += size
			runes++
			nonASCII++
			nonASCIIBytes += size
			if !dInWord {
				dWords++
				dInWord = true
			}
			switch r {
			case '？', '؟':
				uniQ++
			case '∫', '∑', '√', '≤', '≥', '≠', '±', '×', '÷', 'π', '∞':
				mathOps++
			}
			sc := scriptOf(r)
			scripts[sc]++
			if sc == ScriptCJK || sc == ScriptUnknown && isCJK(r) {
				cjk++
			}
			lineStart = false
			if r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
				if !inWord {
					if words == maxWords {
						hashing = false
					}
					inWord = true
					hU = fnvOffset32
					hB = (prevHash ^ ' ') * fnvPrime32
				}
				var buf [utf8.UTFMax]byte
				n := utf8.EncodeRune(buf[:], unicode.ToLower(r))
				for _, b := range buf[:n] {
					hU = (hU ^ uint32(b)) * fnvPrime32
					hB = (hB ^ uint32(b)) * fnvPrime32
				}
			} else if inWord {
				if hashing {
					ngrams = appendWord(ngrams, hU, hB, hasPrev)
				}
				prevHash, hasPrev, inWord = hU, true, false
				words++
			}
			continue
		}
		cls := scanClass[c]
		if cls&fWord != 0 {
			if !inWord {
				if words == maxWords {
					hashing = false
				}
				inWord = true
				hU = fnvOffset32
				hB = (prevHash ^ ' ') * fnvPrime32
			}
			if !dInWord {
				dWords++
				dInWord = true
			}
			// "1." or "2)" opening a line marks a numbered step.
			if lineStart && cls&fDigit != 0 && i+1 < len(text) && (text[i+1] == '.' || text[i+1] == ')') {
				numbered++
			}
			lineStart = false
			// The word and the plain words after it (textscan_plain.go).
			// pr is filled field by field: as a composite literal it was
			// built on the stack and then copied with wider loads than the
			// stores that had just written it, which stalled each of them.
			pr.ngrams, pr.hU, pr.hB, pr.prevHash, pr.words, pr.maxWords = ngrams, hU, hB, prevHash, words, maxWords
			pr.hashing, pr.hasPrev, pr.dWords, pr.asciiWordBytes = hashing, hasPrev, dWords, asciiWordBytes
			pr.seps, pr.digits, pr.numbers, pr.upper, pr.stops, pr.numbered = 0, 0, 0, 0, 0, 0
			i = scanPlain(text, i, &pr)
			ngrams, hU, hB, prevHash, words = pr.ngrams, pr.hU, pr.hB, pr.prevHash, pr.words
			hashing, hasPrev, dWords, asciiWordBytes = pr.hashing, pr.hasPrev, pr.dWords, pr.asciiWordBytes
			runes += pr.seps
			digits += pr.digits
			numbers += pr.numbers
			upper += pr.upper
			numbered += pr.numbered
			if st := pr.stops; st != 0 {
				newlines += int(st >> stopLines & stopField)
				questions += int(st >> stopQuestions & stopField)
				mathc += int(st >> stopMathc & stopField)
				code += int(st >> stopCode & stopField)
				mathOps += int(st >> stopMathOps & stopField)
				codeSyms += int(st >> stopCodeSyms & stopField)
			}
			continue
		}
		if inWord {
			if hashing {
				ngrams = appendWord(ngrams, hU, hB, hasPrev)
			}
			prevHash, hasPrev, inWord = hU, true, false
			words++
		}
		dInWord = false
		runes++
		switch {
		case cls&fNewline != 0:
			newlines++
			lineStart = true
			i++
			continue
		case cls&fSpace != 0:
			i++
			continue
		case cls&fQuestion != 0:
			questions++
		case cls&fBacktick != 0:
			if strings.HasPrefix(text[i:], "```") {
				fences++
				i += 3
				lineStart = false
				continue
			}
		case cls&fBackslash != 0:
			mathc++
			if i+1 < len(text) && (text[i+1] >= 'a' && text[i+1] <= 'z') {
				latex++
			}
		default:
			if cls&fDMath != 0 {
				mathc++
			}
			if cls&fDCode != 0 {
				code++
			}
			if cls&fMath != 0 {
				mathOps++
				if c == '=' && i+1 < len(text) && (text[i+1] == '=' || text[i+1] == '>') {
					codeSyms++
				}
			}
			if cls&fCode != 0 {
				codeSyms++
			}
		}
		lineStart = false
		i++
	}
	if inWord && hashing {
		ngrams = appendWord(ngrams, hU, hB, hasPrev)
	}
	runes += asciiWordBytes // the ASCII word runs were not counted byte by byte
	f.NGrams = ngrams
	f.counts = textCounts{
		ok: true, text: full, scanned: int32(len(text)),
		words: int32(dWords), digits: int32(digits), numbers: int32(numbers), mathc: int32(mathc),
		questions: int32(questions), lines: int32(newlines), code: int32(code), upper: int32(upper),
		fences: int32(fences),
	}

	scripts[ScriptLatin] += asciiWordBytes - digits // ASCII letters
	f.Questions = questions + uniQ
	f.CodeFences = fences
	if runes > 0 {
		f.NonASCII = float64(nonASCII) / float64(runes)
	}
	// runes counted each ``` fence as one rune (the Code and Math
	// densities were trained so); Chars counts all three.
	f.Chars = runes + 2*fences
	f.Lines = newlines
	tc := runeCounts{ascii: len(text) - nonASCIIBytes, cjk: cjk, other: nonASCII - cjk}
	if rest := full[len(text):]; rest != "" {
		// Past the window only what is cheap to keep exact.
		rc := tokenCount(rest)
		tc.ascii += rc.ascii
		tc.cjk += rc.cjk
		tc.other += rc.other
		f.Chars += rc.ascii + rc.cjk + rc.other
		f.Lines += strings.Count(rest, "\n")
	}
	if len(full) > 0 {
		f.Lines++
	}
	best := 0
	for s := 1; s < len(scripts); s++ {
		if scripts[s] > best {
			best, f.Script = scripts[s], Script(s)
		}
	}
	markerSignals(f, runes, digits, mathOps, codeSyms, latex, numbered)
	return tc
}

// countDigitsUpper counts the digits, runs of digits and capitals of an
// ASCII word.
func countDigitsUpper(w string) (digits, numbers, upper int) {
	var prevD uint32
	for i := 0; i < len(w); i++ {
		e := asciiWord[w[i]]
		d := e >> 8 & 1
		digits += int(d)
		numbers += int(d &^ prevD)
		prevD = d
		upper += int(e >> 9 & 1)
	}
	return digits, numbers, upper
}

// asciiWord holds, for an ASCII letter or digit, its lower case in the
// low byte, bit 8 set for a digit and bit 9 for a capital; 0 for every
// other byte (≥ 0x80 included).
var asciiWord = func() (t [256]uint32) {
	for c := '0'; c <= '9'; c++ {
		t[c] = uint32(c) | 1<<8
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = uint32(c)
		t[c-'a'+'A'] = uint32(c) | 1<<9
	}
	return t
}()
