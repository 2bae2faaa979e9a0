package replay_test

import (
	"math"
	"testing"

	"github.com/llmrouter/llmrouter/replay"
	"github.com/stretchr/testify/require"
)

// A logged decision whose score is outside [0,1] (NaN included) or whose
// cost is negative or not finite fails naming the decision: a NaN score
// turned every estimate into NaN without a word.
func TestEstimateRejectsBadScores(t *testing.T) {
	for _, tc := range []struct {
		name string
		l    replay.Logged
		want string
	}{
		{"NaN score", replay.Logged{ID: "d2", Model: "a", Propensity: 1, Score: math.NaN()}, "decision d2: score NaN"},
		{"score above 1", replay.Logged{ID: "d2", Model: "a", Propensity: 1, Score: 3}, "decision d2: score 3"},
		{"NaN cost", replay.Logged{ID: "d2", Model: "a", Propensity: 1, Score: 1, Cost: math.NaN()}, "decision d2: cost NaN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logged := []replay.Logged{{ID: "d1", Model: "a", Propensity: 1, Score: 1}, tc.l}
			_, err := replay.Estimate(logged, []string{"a", "a"}, replay.Options{})
			require.ErrorContains(t, err, tc.want)
		})
	}
}
