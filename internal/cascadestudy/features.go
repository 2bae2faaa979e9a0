package main

import (
	"math"
	"strings"
	"unicode/utf8"
)

// answerShape is the single-feature measures of an answer the study ranks
// weak answers by.
type answerShape struct {
	Chars, Words, Lines, Headers, ListItems, CodeBlocks float64
}

// shape measures a: characters (runes), whitespace-separated words,
// non-empty lines, markdown headers ("#" lines), list items ("-", "*", "+"
// or "1." lines) and fenced code blocks (pairs of ``` lines, an unclosed
// one counted).
func shape(a string) answerShape {
	s := answerShape{Chars: float64(utf8.RuneCountInString(a)), Words: float64(len(strings.Fields(a)))}
	fences := 0
	for line := range strings.SplitSeq(a, "\n") {
		t := strings.TrimSpace(line)
		if t == "" {
			continue
		}
		s.Lines++
		switch {
		case strings.HasPrefix(t, "```"):
			fences++
		case strings.HasPrefix(t, "#"):
			s.Headers++
		case isListItem(t):
			s.ListItems++
		}
	}
	s.CodeBlocks = float64((fences + 1) / 2)
	return s
}

func isListItem(t string) bool {
	if len(t) >= 2 && (t[0] == '-' || t[0] == '*' || t[0] == '+') && t[1] == ' ' {
		return true
	}
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	return i > 0 && i+1 < len(t) && (t[i] == '.' || t[i] == ')') && t[i+1] == ' '
}

// promptFeatures is what the expected-length regression reads from a
// prompt: a bias, log length, log words, lines, code, questions, and a few
// words that ask for long or short answers.
func promptFeatures(p string) []float64 {
	l := strings.ToLower(p)
	has := func(ws ...string) float64 {
		for _, w := range ws {
			if strings.Contains(l, w) {
				return 1
			}
		}
		return 0
	}
	return []float64{
		1,
		math.Log1p(float64(utf8.RuneCountInString(p))),
		math.Log1p(float64(len(strings.Fields(p)))),
		math.Log1p(float64(strings.Count(p, "\n"))),
		has("```", "def ", "func ", "class ", "import ", "#include", "select "),
		has("write", "code", "implement", "program", "script", "function"),
		has("explain", "describe", "essay", "detailed", "step by step", "plan", "outline", "list"),
		has("short", "brief", "concise", "one word", "only answer", "just answer", "yes or no"),
		float64(strings.Count(p, "?")),
	}
}

// ridge fits y ≈ X·w with penalty l2 on every weight but the first (the
// bias), by the normal equations.
func ridge(x [][]float64, y []float64, l2 float64) []float64 {
	d := len(x[0])
	a := make([][]float64, d)
	b := make([]float64, d)
	for i := range a {
		a[i] = make([]float64, d)
	}
	for r, row := range x {
		for i := range d {
			b[i] += row[i] * y[r]
			for j := range d {
				a[i][j] += row[i] * row[j]
			}
		}
	}
	for i := 1; i < d; i++ {
		a[i][i] += l2
	}
	// Gaussian elimination with partial pivoting.
	for c := range d {
		p := c
		for r := c + 1; r < d; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		a[c], a[p] = a[p], a[c]
		b[c], b[p] = b[p], b[c]
		if math.Abs(a[c][c]) < 1e-12 {
			a[c][c] = 1e-12
		}
		for r := c + 1; r < d; r++ {
			f := a[r][c] / a[c][c]
			for k := c; k < d; k++ {
				a[r][k] -= f * a[c][k]
			}
			b[r] -= f * b[c]
		}
	}
	w := make([]float64, d)
	for c := d - 1; c >= 0; c-- {
		s := b[c]
		for k := c + 1; k < d; k++ {
			s -= a[c][k] * w[k]
		}
		w[c] = s / a[c][c]
	}
	return w
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
