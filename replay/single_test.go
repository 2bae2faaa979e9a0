package replay

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// With one logged decision and the default Options, Estimate said "2 folds
// for 1 decisions", a setting the caller never made, and it said so before
// checking the decision: a single record with a zero propensity or a NaN
// score got the folds error instead of its own. Records are checked
// first, and the default's error says what it needs and what to set.
func TestEstimateSingleDecision(t *testing.T) {
	for _, tc := range []struct {
		name string
		l    Logged
		opts Options
		want string
	}{
		{"zero propensity", Logged{ID: "x", Model: "a"}, Options{}, "replay: decision x: propensity 0 outside (0,1]"},
		{"valid, default folds", Logged{ID: "x", Model: "a", Propensity: 1, Score: 1}, Options{},
			"replay: 1 logged decision: the default cross-fitting (Options.Folds 0, meaning 2) needs at least 2; Options.Folds 1 fits the reward model in-sample"},
		{"valid, folds set", Logged{ID: "x", Model: "a", Propensity: 1, Score: 1}, Options{Folds: 3}, "replay: 3 folds for 1 decisions"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Estimate([]Logged{tc.l}, []string{"a"}, tc.opts)
			require.EqualError(t, err, tc.want)
		})
	}
	_, err := Estimate([]Logged{{ID: "x", Model: "a", Propensity: 1, Score: 1}}, []string{"a"}, Options{Folds: 1})
	require.NoError(t, err)
}
