package llmrouter

import "math/bits"

// strengthCaps are the Capabilities that say what a model is good at, as
// opposed to what it accepts: preferred, never required.
const strengthCaps = Code | Math | Multilingual | LongContext

// The thresholds at which a request calls for a strength; the same as the
// heuristic classifier's labels, so label and preference agree.
const (
	strengthCodeMin     = 0.3
	strengthMathMin     = 0.4
	strengthNonASCIIMin = 0.15
	strengthLongTokens  = 8000
)

// requestStrengths returns the strengths a request calls for: from its
// features, and from the classifier's label where it names a strength
// ("code", "math", "multilingual", "long-context"), so a trained or
// rule-based label counts too.
func requestStrengths(f *Features, p *Prediction) Capabilities {
	var want Capabilities
	if f != nil {
		if f.Code >= strengthCodeMin {
			want |= Code
		}
		if f.Math >= strengthMathMin {
			want |= Math
		}
		if f.Script > ScriptLatin || f.NonASCII >= strengthNonASCIIMin {
			want |= Multilingual
		}
		if f.Tokens >= strengthLongTokens {
			want |= LongContext
		}
	}
	if p != nil {
		switch p.Label {
		case "code":
			want |= Code
		case "math":
			want |= Math
		case "multilingual":
			want |= Multilingual
		case "long-context":
			want |= LongContext
		}
	}
	return want
}

// strengthScores writes, for each candidate, how many of the strengths the
// request calls for its card declares; it returns false (and writes
// nothing) when no card declares any of them, the common case, so routers
// without strengths pay one pass over the cards.
func strengthScores(r *Routing, dst []int) ([]int, bool) {
	var declared Capabilities
	for i := range r.Models {
		declared |= r.Models[i].Capabilities
	}
	if declared&strengthCaps == 0 {
		return dst, false
	}
	want := requestStrengths(r.Features, r.Prediction) & declared
	if want == 0 {
		return dst, false
	}
	for i := range r.Models {
		dst = append(dst, bits.OnesCount16(uint16(r.Models[i].Capabilities&want)))
	}
	return dst, true
}
