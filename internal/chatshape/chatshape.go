// Package chatshape computes the request-shape signals the built-in
// default classifier weighs next to its trained difficulty: length, code,
// math, reasoning, multi-step and question markers, lines. The weights are
// fitted on real chat prompts by internal/gendefault; the root package and
// the generator share this one definition so that what is fitted is what
// is served.
package chatshape

import "math"

// N is the number of signals.
const N = 9

// Names label the signals, in order, for reports and generated code.
var Names = [N]string{"log tokens", "code", "asks code", "math", "reasoning", "multi-step", "questions", "log lines", "code fence"}

// Input is what the signals are computed from: the analyzer's counts of
// the last human message (tokens: the request's, system tokens excluded).
type Input struct {
	Tokens, Words, Lines, Reasoning, MultiStep, Questions, CodeFences int
	Code, Math                                                        float64
}

// Signals writes the signals of in into x. Allocation-free.
func Signals(in *Input, x *[N]float64) {
	// In a long text the markers are mostly in the material, not in the
	// ask: weigh them down beyond a few hundred words.
	damp := math.Min(1, 300/math.Max(1, float64(in.Words)))
	x[0] = math.Log1p(math.Max(0, float64(in.Tokens)) / 100)
	x[1] = in.Code
	x[2] = b2f(in.Code >= 0.3)
	x[3] = in.Math
	x[4] = damp * math.Min(float64(in.Reasoning), 4)
	x[5] = damp * math.Min(float64(in.MultiStep), 4)
	x[6] = damp * math.Min(float64(in.Questions), 3)
	x[7] = math.Log1p(float64(max(in.Lines, 0)))
	x[8] = b2f(in.CodeFences > 0)
}

// Score is w[0] + Σ w[k+1]·x[k].
func Score(w *[N + 1]float64, x *[N]float64) float64 {
	z := w[0]
	for k := range x {
		z += w[k+1] * x[k]
	}
	return z
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
