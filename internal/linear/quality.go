package linear

import "math"

// QualityForDifficulty maps a model-agnostic difficulty onto a model of
// prior strength s (ModelCard.Quality): the probability that the model
// answers acceptably, by a one-parameter item-response model,
//
//	P = σ(logit(s) − logit(d))
//
// so a request of middling difficulty (d = 0.5) is answered as well as the
// model usually answers, easier ones better, harder ones worse, and a
// stronger model always at least as well as a weaker one. s and d are
// clamped to [0.01, 0.99] (NaN reads as 0.5). The router computes the
// same in router.go; calibration uses this.
func QualityForDifficulty(d, s float64) float64 {
	d = clampOpen(d)
	s = clampOpen(s)
	return sigmoid(logit(s) - logit(d))
}

func clampOpen(x float64) float64 {
	if x != x {
		return 0.5
	}
	return math.Min(0.99, math.Max(0.01, x))
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
func logit(p float64) float64   { return math.Log(p / (1 - p)) }
