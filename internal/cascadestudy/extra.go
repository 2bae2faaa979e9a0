package main

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// extraFeatures are further single measures of a prompt and a weak answer
// the study ranks by (each a cascade-visible quantity).
var extraNames = []string{
	"refusal/apology", "answer ends mid-sentence", "answer non-ASCII share − prompt's",
	"prompt asks code", "answer has code | prompt asks code", "prompt math words", "answer bold",
	"headers per line", "mean line length", "paragraphs", "answer ends with a question",
	"answer words / prompt words", "prompt has code", "prompt words", "answer digits share",
	"answer 'however/but/although'", "answer 'note that/important'", "answer starts 'Sure'/'Certainly'",
}

func extraFeatures(p, a string) []float64 {
	la, lp := strings.ToLower(a), strings.ToLower(p)
	count := func(s string, ws ...string) float64 {
		n := 0
		for _, w := range ws {
			n += strings.Count(s, w)
		}
		return float64(n)
	}
	b := func(v bool) float64 {
		if v {
			return 1
		}
		return 0
	}
	sa, sp := shape(a), shape(p)
	nonASCII := func(s string) float64 {
		n, t := 0, 0
		for _, r := range s {
			if unicode.IsLetter(r) {
				t++
				if r > 127 {
					n++
				}
			}
		}
		if t == 0 {
			return 0
		}
		return float64(n) / float64(t)
	}
	tail := strings.TrimSpace(a)
	last, _ := utf8.DecodeLastRuneInString(tail)
	asksCode := count(lp, "code", "function", "script", "program", "implement", "python", "sql", "javascript", "regex", "write a ") > 0
	digits := 0
	for _, r := range a {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return []float64{
		count(la, "i'm sorry", "i cannot", "i can't", "as an ai", "i apologize", "unable to"),
		b(tail != "" && !strings.ContainsRune(".!?`)]}*|\"'", last) && !unicode.IsDigit(last)),
		nonASCII(a) - nonASCII(p),
		b(asksCode),
		b(asksCode && sa.CodeBlocks > 0),
		count(lp, "prove", "calculate", "probability", "equation", "solve", "integral", "how many"),
		count(a, "**") / 2,
		sa.Headers / (sa.Lines + 1),
		sa.Chars / (sa.Lines + 1),
		float64(strings.Count(a, "\n\n")),
		b(strings.HasSuffix(tail, "?")),
		(sa.Words + 1) / (sp.Words + 1),
		b(sp.CodeBlocks > 0 || strings.Contains(p, "{") && strings.Contains(p, "}")),
		sp.Words,
		float64(digits) / (sa.Chars + 1),
		count(la, "however", " but ", "although"),
		count(la, "note that", "important"),
		b(strings.HasPrefix(la, "sure") || strings.HasPrefix(la, "certainly")),
	}
}
