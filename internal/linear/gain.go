package linear

import "math"

// DifficultyGain is the strong-over-weak gain that Threshold and calibrate
// compare to a cutoff when both qualities come from one model-agnostic
// difficulty d mapped onto the models' cards, q = σ(logit s − logit d).
// The plain gap qs − qw rises with d up to a peak, at the d where
// qs + qw = 1, and then falls to 0 (both models fail the hardest prompts),
// which would send the hardest prompts to the weak model. The difficulty is
// trained as the strong model's expected advantage, so harder must never
// mean weaker: past the peak the gain keeps rising, mirrored about the peak
// value m = tanh((logit qs − logit qw)/4), as 2m − (qs − qw). Below the peak
// it is the gap itself, so a cutoff keeps its meaning as a quality gap
// there. The result rises strictly with d when the strong card is the
// stronger (falls when it is the weaker). Qualities outside (0,1) or NaN
// give qs − qw unchanged. Safe for concurrent use.
func DifficultyGain(qs, qw float64) float64 {
	gap := qs - qw
	if !(qs > 0 && qs < 1 && qw > 0 && qw < 1) || qs+qw >= 1 {
		return gap
	}
	delta := math.Log(qs/(1-qs)) - math.Log(qw/(1-qw))
	return 2*math.Tanh(delta/4) - gap
}
