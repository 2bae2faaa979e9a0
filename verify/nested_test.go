package verify

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// informative returns n examples of one pair, one prompt each, where a weak
// answer without a final number is the one a strong model beats.
func informative(n int) []Example {
	ex := make([]Example, n)
	for i := range ex {
		e := Example{ID: fmt.Sprint(i), Prompt: fmt.Sprintf("How many meters does runner %d run in 3 weeks of 60 meters?", i), Strong: 1}
		if i%3 == 0 {
			e.Answer, e.Weak = "He runs far, I think", 0
		} else {
			e.Answer, e.Weak = fmt.Sprintf("3 * 60 = 180\n#### %d", 180+i%2), 1
		}
		e.Label = (e.Strong - e.Weak + 1) / 2
		extract(e.Prompt, e.Answer, &e.x)
		ex[i] = e
	}
	return ex
}

func TestTunePicksTheInformativeSetting(t *testing.T) {
	ex := informative(60)
	cands := []TrainOptions{{L2: 1e9}, {L2: 1}}
	best, ratings, err := Tune(ex, 3, 1, cands, nil)
	require.NoError(t, err)
	require.Len(t, ratings, 2)
	assert.Equal(t, 1, best, "ratings %v", ratings)
	assert.InDelta(t, 5.0/6, ratings[1], 1e-9, "the oracle: a third of the prompts gain")
	// A criterion that prefers the other is obeyed.
	flat := func(_ []Example, s []float64) (float64, error) { return -spread(s), nil }
	best, _, err = Tune(ex, 3, 1, cands, flat)
	require.NoError(t, err)
	assert.Equal(t, 0, best)
}

func spread(s []float64) float64 {
	lo, hi := s[0], s[0]
	for _, x := range s {
		lo, hi = min(lo, x), max(hi, x)
	}
	return hi - lo
}

func TestNestedCrossValidate(t *testing.T) {
	ex := informative(60)
	// One candidate: nothing to choose, so it is plain CV.
	plain, err := CrossValidate(ex, 5, 1, TrainOptions{L2: 1})
	require.NoError(t, err)
	nested, chosen, err := NestedCrossValidate(ex, 5, 3, 1, []TrainOptions{{L2: 1}}, nil)
	require.NoError(t, err)
	assert.Equal(t, plain, nested)
	assert.Equal(t, []int{0, 0, 0, 0, 0}, chosen)

	nested, chosen, err = NestedCrossValidate(ex, 5, 3, 1, []TrainOptions{{L2: 1e9}, {L2: 1}}, nil)
	require.NoError(t, err)
	assert.Equal(t, []int{1, 1, 1, 1, 1}, chosen)
	apgr, err := MeanPairAPGR(ex, nested)
	require.NoError(t, err)
	assert.InDelta(t, 5.0/6, apgr, 1e-9)
}

func TestTuneErrors(t *testing.T) {
	ex := informative(12)
	for _, tc := range []struct {
		name  string
		cands []TrainOptions
		want  string
	}{
		{"no candidates", nil, "no candidate"},
		{"bad l2", []TrainOptions{{L2: -1}}, "candidate 0 (l2 -1)"},
		{"bad target", []TrainOptions{{}, {Target: "wins"}}, `candidate 1: unknown target "wins"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Tune(ex, 3, 1, tc.cands, nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	noGap := informative(12)
	for i := range noGap {
		noGap[i].Strong = noGap[i].Weak
	}
	_, _, err := Tune(noGap, 3, 1, []TrainOptions{{}}, nil)
	require.ErrorContains(t, err, "no pair with a quality gap")
}

func TestRelabeled(t *testing.T) {
	ex := []Example{{Strong: 0.5, Weak: 0, Label: 0.3}, {Strong: 0.25, Weak: 0.75, Label: 0.3}}
	for _, tc := range []struct {
		target Target
		want   []float64
	}{
		{"", []float64{0.3, 0.3}},
		{TargetGain, []float64{0.75, 0.25}},
		{TargetWeakFails, []float64{1, 0.25}},
	} {
		t.Run(string(tc.target), func(t *testing.T) {
			got := relabeled(ex, tc.target)
			assert.Equal(t, tc.want, []float64{got[0].Label, got[1].Label})
			assert.Equal(t, 0.3, ex[0].Label, "the input is not modified")
		})
	}
	// Tune trains a candidate on its own target's labels.
	data := informative(30)
	for i := range data {
		data[i].Strong = float64(i%2) * data[i].Strong // weak-fails and gain now differ
	}
	_, ratings, err := Tune(data, 3, 1, []TrainOptions{{Target: TargetWeakFails}}, nil)
	require.NoError(t, err)
	oof, err := CrossValidate(relabeled(data, TargetWeakFails), 3, 1, TrainOptions{})
	require.NoError(t, err)
	want, err := MeanPairAPGR(data, oof)
	require.NoError(t, err)
	assert.Equal(t, want, ratings[0])
}
