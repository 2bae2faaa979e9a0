package replay_test

import (
	"math"
	"testing"

	"github.com/llmrouter/llmrouter/replay"
	"github.com/stretchr/testify/require"
)

// Logged is a public struct a caller may fill from their own logs. An
// infinite or NaN estimated cost, or an infinite predicted quality, in a
// decision's reward-model inputs turned the DM and DR cost estimates into
// Inf or NaN (or, for +Inf quality, put the decision in the lowest quality
// bin) without a word; Estimate must fail naming the decision and model,
// as it does for the logged cost.
func TestEstimateRejectsNonFiniteRewardInputs(t *testing.T) {
	for _, tc := range []struct {
		name string
		est  map[string]float64
		pred map[string]float64
		want string
	}{
		{"Inf estimated cost", map[string]float64{"a": math.Inf(1)}, nil, `decision d2: estimated cost of "a" +Inf`},
		{"NaN estimated cost", map[string]float64{"b": math.NaN()}, nil, `decision d2: estimated cost of "b" NaN`},
		{"negative estimated cost", map[string]float64{"b": -1}, nil, `decision d2: estimated cost of "b" -1`},
		{"Inf predicted quality", nil, map[string]float64{"a": math.Inf(1)}, `decision d2: predicted quality of "a" +Inf`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logged := []replay.Logged{
				{ID: "d1", Model: "a", Propensity: 0.5, Score: 1, Cost: 0.01, EstCost: map[string]float64{"a": 0.01, "b": 0.02}},
				{ID: "d2", Model: "a", Propensity: 0.5, Score: 0, Cost: 0.01, EstCost: tc.est, Predicted: tc.pred},
			}
			_, err := replay.Estimate(logged, []string{"a", "b"}, replay.Options{})
			require.ErrorContains(t, err, tc.want)
		})
	}
	// NaN predicted quality stays what it was: no prediction for that model.
	logged := []replay.Logged{
		{ID: "d1", Model: "a", Propensity: 0.5, Score: 1, Cost: 0.01, Predicted: map[string]float64{"a": math.NaN()}},
		{ID: "d2", Model: "a", Propensity: 0.5, Score: 0, Cost: 0.01},
	}
	res, err := replay.Estimate(logged, []string{"a", "b"}, replay.Options{})
	require.NoError(t, err)
	require.False(t, math.IsNaN(res.DR.Quality.Mean))
}
