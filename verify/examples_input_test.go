package verify

import (
	"bytes"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/stretchr/testify/require"
)

// Examples panicked on a nil dataset, and a pair naming one model twice or
// none (a flag typo) ran and failed with "no record has both models of any
// pair", or under weak-fails trained on a meaningless pair. Each is now an
// error naming the pair.
func TestExamplesRejectsBadInput(t *testing.T) {
	ds := &dataset.Dataset{Records: []dataset.Record{{ID: "r1", Prompt: "p",
		Outcomes: map[string]dataset.Outcome{"a": {Score: 1, Answer: "x"}, "b": {Score: 0, Answer: "y"}}}}}
	for _, tc := range []struct {
		name   string
		ds     *dataset.Dataset
		pairs  []Pair
		target Target
		want   string
	}{
		{"nil dataset", nil, []Pair{{Strong: "a", Weak: "b"}}, "", "verify: Examples: nil dataset"},
		{"same model", ds, []Pair{{Strong: "a", Weak: "b"}, {Strong: "a", Weak: "a"}}, TargetWeakFails, `verify: pair 1: strong and weak are both "a"`},
		{"no strong", ds, []Pair{{Weak: "b"}}, "", "verify: pair 0: no strong model named"},
		{"no weak", ds, []Pair{{Strong: "a"}}, "", "verify: pair 0: no weak model named"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { _, _, err = Examples(tc.ds, tc.pairs, tc.target) })
			require.EqualError(t, err, tc.want)
		})
	}
	ex, _, err := Examples(ds, []Pair{{Strong: "a", Weak: "b"}}, "")
	require.NoError(t, err)
	require.Len(t, ex, 1)
}

// Read panicked on a nil reader; it is an ErrBadModel error.
func TestReadNilReader(t *testing.T) {
	var err error
	require.NotPanics(t, func() { _, err = Read(nil) })
	require.ErrorIs(t, err, ErrBadModel)
	require.ErrorContains(t, err, "nil reader")
	_, err = Read(bytes.NewReader(nil))
	require.ErrorIs(t, err, ErrBadModel)
}
