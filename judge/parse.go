package judge

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// ErrMalformed: the judge's output holds no usable grade (none, one out of
// range, or several that disagree). Result.Err wraps it with the reason.
var ErrMalformed = errors.New("judge: malformed judge output")

// Only the judge model's output is ever parsed: the graded answer is data
// in the prompt, so a "[[10]]" inside it reaches the parser only if the
// judge repeats it, and then it conflicts with the judge's own grade and the
// output is rejected (as Arena-Hard rejects several distinct verdicts).
var (
	// [[7]], [[ 7.5 ]], [[7/10]], [[A>>B]]: the format the rubric asks for.
	bracketRe = regexp.MustCompile(`\[\[\s*([^\[\]\n]{1,16}?)\s*\]\]`)
	// "Rating: 7/10", "Score = 7", "**Grade:** 7". Group 3 catches a
	// number that runs on ("7-8", "7,5", "1e9", "8th"): not a grade.
	labelRe = regexp.MustCompile(`(?i)\b(?:rating|score|grade)\b\**\s*[:=]?\s*\**\s*(\d+(?:\.\d+)?)(\s*/\s*\d+)?([\p{L}\d]|[.,\-–—]\d)?`)
	// The whole output is a grade: "7", "7/10", "**7**.".
	bareRe    = regexp.MustCompile(`^\**\s*(\d+(?:\.\d+)?)(\s*/\s*\d+)?\s*\**\.?$`)
	numberRe  = regexp.MustCompile(`^(\d+(?:\.\d+)?)(\s*/\s*\d+)?$`)
	verdictRe = regexp.MustCompile(`(?i)\bverdict\b[^\n\[]{0,24}?[:=]\s*\**\s*([AB]\s*(?:>>|>|=)\s*[AB])`)
)

// maxParseBytes bounds the output the parser reads: a judge's grade is at
// its end, and MaxOutputTokens already bounds what a well-behaved model writes.
const maxParseBytes = 64 << 10

// parseGrade reads a 1–10 grade from a pointwise judge's output. The forms
// are tried in order, the first that occurs deciding: [[N]] markers, then
// "Rating/Score/Grade: N[/10]", then an output that is only a number. Within
// a form every occurrence must agree; a denominator other than 10, a
// grade outside [1,10] and a labelled number that runs on ("7-8", "7,5")
// are rejected.
func parseGrade(out string) (float64, error) {
	out = tail(out)
	var raw []string
	for _, m := range bracketRe.FindAllStringSubmatch(out, -1) {
		if numberRe.MatchString(m[1]) {
			raw = append(raw, m[1])
		}
	}
	if raw == nil {
		for _, m := range labelRe.FindAllStringSubmatch(out, -1) {
			if m[3] != "" {
				return 0, fmt.Errorf("%w: %q is not a grade (the number runs on) in %s", ErrMalformed, m[1]+m[2]+m[3], excerpt(out))
			}
			raw = append(raw, m[1]+m[2])
		}
	}
	if raw == nil {
		if m := bareRe.FindStringSubmatch(strings.TrimSpace(out)); m != nil {
			raw = append(raw, m[1]+m[2])
		}
	}
	if raw == nil {
		return 0, fmt.Errorf("%w: no grade found in %s", ErrMalformed, excerpt(out))
	}
	grade := 0.0
	for i, s := range raw {
		g, err := gradeOf(s)
		if err != nil {
			return 0, err
		}
		if i > 0 && g != grade {
			return 0, fmt.Errorf("%w: conflicting grades %v and %v in %s", ErrMalformed, grade, g, excerpt(out))
		}
		grade = g
	}
	return grade, nil
}

// gradeOf parses "7", "7.5" or "7/10".
func gradeOf(s string) (float64, error) {
	m := numberRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, fmt.Errorf("%w: grade %q is not a number", ErrMalformed, s)
	}
	if m[2] != "" {
		if d := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(m[2]), "/")); d != "10" {
			return 0, fmt.Errorf("%w: grade %q is not out of 10", ErrMalformed, s)
		}
	}
	g, err := strconv.ParseFloat(m[1], 64)
	if err != nil || g < 1 || g > 10 {
		return 0, fmt.Errorf("%w: grade %q is outside 1-10", ErrMalformed, s)
	}
	return g, nil
}

// verdict is a pairwise judge's verdict, normalised to one of A>>B, A>B,
// A=B, B>A, B>>A (Arena-Hard's five labels).
type verdict string

// scoreA is the share of the game assistant A wins: 1, 0.75, 0.5, 0.25, 0.
func (v verdict) scoreA() float64 {
	switch v {
	case "A>>B":
		return 1
	case "A>B":
		return 0.75
	case "B>A":
		return 0.25
	case "B>>A":
		return 0
	}
	return 0.5
}

// parseVerdict reads a pairwise verdict: [[A>B]] markers, else "Verdict:
// A>B", else an output that is only a verdict. Occurrences must agree.
func parseVerdict(out string) (verdict, error) {
	out = tail(out)
	var raw []string
	for _, m := range bracketRe.FindAllStringSubmatch(out, -1) {
		raw = append(raw, m[1])
	}
	if raw == nil {
		for _, m := range verdictRe.FindAllStringSubmatch(out, -1) {
			raw = append(raw, m[1])
		}
	}
	if raw == nil {
		if s := strings.Trim(strings.TrimSpace(out), "*."); s != "" && len(s) <= 8 {
			raw = append(raw, s)
		}
	}
	var v verdict
	for i, s := range raw {
		w, ok := normVerdict(s)
		if !ok {
			return "", fmt.Errorf("%w: %q is not a verdict (A>>B, A>B, A=B, B>A, B>>A) in %s", ErrMalformed, s, excerpt(out))
		}
		if i > 0 && w != v {
			return "", fmt.Errorf("%w: conflicting verdicts %s and %s in %s", ErrMalformed, v, w, excerpt(out))
		}
		v = w
	}
	if v == "" {
		return "", fmt.Errorf("%w: no verdict found in %s", ErrMalformed, excerpt(out))
	}
	return v, nil
}

// normVerdict accepts the five labels, their mirror images (B<A, A<<B, B=A)
// and any case or inner spacing.
func normVerdict(s string) (verdict, bool) {
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	switch s {
	case "A>>B", "B<<A":
		return "A>>B", true
	case "A>B", "B<A":
		return "A>B", true
	case "A=B", "B=A":
		return "A=B", true
	case "B>A", "A<B":
		return "B>A", true
	case "B>>A", "A<<B":
		return "B>>A", true
	}
	return "", false
}

// tail keeps the last maxParseBytes of out (the grade comes last).
func tail(out string) string {
	if len(out) > maxParseBytes {
		return out[len(out)-maxParseBytes:]
	}
	return out
}

// excerpt quotes the end of a judge's output for an error message.
func excerpt(out string) string {
	const n = 120
	out = strings.TrimSpace(out)
	if len(out) > n {
		cut := len(out) - n
		for cut < len(out) && out[cut]&0xC0 == 0x80 { // do not split a rune
			cut++
		}
		return strconv.Quote("…" + out[cut:])
	}
	return strconv.Quote(out)
}
