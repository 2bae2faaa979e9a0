package verify

import (
	"context"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/stretchr/testify/require"
)

// MeanPairAPGR is an exported Criterion a caller may call on scores of
// their own: scores of another length than ex must be an error naming both
// lengths, not an index-out-of-range panic (or a silent misalignment when
// there are more scores than examples).
func TestMeanPairAPGRRejectsMismatchedScores(t *testing.T) {
	ex := []Example{{Strong: 1, Weak: 0}, {Strong: 1, Weak: 1}, {Strong: 0, Weak: 0}}
	for _, tc := range []struct {
		name   string
		scores []float64
	}{
		{"none", nil},
		{"fewer", []float64{0.1, 0.2}},
		{"more", []float64{0.1, 0.2, 0.3, 0.4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { _, err = MeanPairAPGR(ex, tc.scores) })
			require.ErrorContains(t, err, "for 3 examples")
		})
	}
}

// Train stored any Target in the model's Info, so a typo ("weak_fails")
// produced a verifier labelled with a target nothing computes, while Tune
// and Examples reject the same value.
func TestTrainRejectsUnknownTarget(t *testing.T) {
	ex := []Example{{ID: "a", Label: 1}, {ID: "b", Label: 0}}
	for _, tc := range []struct {
		target Target
		ok     bool
	}{{"", true}, {TargetGain, true}, {TargetWeakFails, true}, {"weak_fails", false}} {
		t.Run(string(tc.target), func(t *testing.T) {
			m, err := Train(ex, TrainOptions{Target: tc.target})
			if tc.ok {
				require.NoError(t, err)
				require.NotEmpty(t, m.Info().Target)
				return
			}
			require.ErrorContains(t, err, `unknown target "weak_fails"`)
		})
	}
}

// Verify is callable by anyone holding a Verifier: an Answer without a
// response (or a nil one) has no text to read and is accepted like a
// tool-call-only answer, instead of panicking in Answer.Text.
func TestVerifyAnswerWithoutResponse(t *testing.T) {
	m := Default().WithCutoff(0) // would reject any text
	for _, a := range []*llmrouter.Answer{nil, {}, {Model: "m"}} {
		var err error
		require.NotPanics(t, func() { err = m.Verify(context.Background(), a) })
		require.NoError(t, err)
	}
}
