package llmrouter

// scanTextRef is scanText as it was before its plain runs went through
// scanPlain (commit 29888b3's parent): the straightforward byte loop, kept
// as the reference the fast path must match on every field of Features.

import (
	"testing"

	"github.com/stretchr/testify/require"

	"strings"
	"unicode"
	"unicode/utf8"
)

func scanTextRef(f *Features, ngrams []uint32, maxWords int) runeCounts {
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
			// The whole ASCII run, without a branch per byte but the loop's:
			// digits, runs of digits and capitals are counted from tables.
			// The byte before the run is not an ASCII word byte, so no
			// run of digits is open.
			// Loop-local counters and hashes, so that they stay in
			// registers: scanText has more live variables than registers.
			start := i
			var seen uint32
			u, v := hU, hB
			e := asciiWord[c]
			for {
				seen |= e
				lc := e & 0xff
				u = (u ^ lc) * fnvPrime32
				v = (v ^ lc) * fnvPrime32
				i++
				if i == len(text) {
					break
				}
				if e = asciiWord[text[i]]; e == 0 {
					break
				}
			}
			hU, hB = u, v
			if seen&(3<<8) != 0 {
				// Most words are lower-case letters only: a word with
				// digits or capitals is read again to count them, so the
				// loop above stays as short as the floor's.
				dg, nm, up := countDigitsUpper(text[start:i])
				digits += dg
				numbers += nm
				upper += up
			}
			asciiWordBytes += i - start
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

// plainRunCases stress scanPlain's runs: punctuation between words in
// every combination, runs ending at a special byte, at the text's end, at
// non-ASCII, and the n-gram word limit falling inside a run.
var plainRunCases = []string{
	"a, b. c: d! e' f\" g# h@ i~ j",
	"end.", "end. ", "end .", ".start", "x,,,  ,y", "x\x00y\x01z\x7fw",
	"digits 3.14, 2,000 and 1:2 ratio; then (a) b-c d/e",
	"word,\nnext word.\n1. step",
	"quote \"inside\" and 'single' then ? and `tick` and \\cmd",
	"Caps, MiXeD. ALL, 12ab. ab12 done",
	"ascii, ünïcode. 日本語, mixed",
	"tab\tsep,\r\nline",
	"a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p",
}

// TestScanTextMatchesReference holds scanText (with scanPlain) equal to
// the straightforward byte loop on every field of Features, the returned
// token counts and the counts a LinearClassifier reads.
func TestScanTextMatchesReference(t *testing.T) {
	texts := append(append([]string(nil), scanCases...), plainRunCases...)
	for _, size := range []int{100, 1 << 10, 10 << 10, 100 << 10} {
		prompts, _ := benchPrompts(size)
		texts = append(texts, prompts[:min(40, len(prompts))]...)
	}
	for i, text := range texts {
		for _, maxWords := range []int{0, 1, 3, 7} {
			var got, want Features
			got.Text, want.Text = text, text
			gotTC := scanText(&got, nil, maxWords)
			wantTC := scanTextRef(&want, nil, maxWords)
			require.Equal(t, wantTC, gotTC, "case %d, maxWords %d: token counts", i, maxWords)
			require.Equal(t, want, got, "case %d, maxWords %d: %.60q", i, maxWords, text)
		}
	}
}

func FuzzScanTextReference(f *testing.F) {
	for _, s := range append(scanCases[:10:10], plainRunCases...) {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, text string, maxWords uint8) {
		var got, want Features
		got.Text, want.Text = text, text
		require.Equal(t, scanTextRef(&want, nil, int(maxWords)), scanText(&got, nil, int(maxWords)))
		require.Equal(t, want, got)
	})
}
