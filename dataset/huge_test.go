package dataset_test

import (
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A cost or latency above dataset.MaxMagnitude is ErrRange naming it: a
// finite but absurd value (a cost of 1e308 USD) passed, and two of them
// summed to +Inf downstream, so llmrouter eval failed after its whole
// cross-validation with 'decision cost of claude-v1 is +Inf', naming no
// record.
func TestHugeValuesRefused(t *testing.T) {
	for _, tc := range []struct {
		outcome, field string
	}{
		{`{"score":1,"cost":1e308}`, "outcomes.m.cost"},
		{`{"score":1,"cost":1.5e15}`, "outcomes.m.cost"},
		{`{"score":1,"latency_ms":1e300}`, "outcomes.m.latency_ms"},
	} {
		t.Run(tc.outcome, func(t *testing.T) {
			_, err := dataset.Read(strings.NewReader(`{"id":"a","prompt":"p","outcomes":{"m":` + tc.outcome + "}}\n"))
			require.ErrorIs(t, err, dataset.ErrRange)
			assert.ErrorContains(t, err, "line 1 (id \"a\"): field "+tc.field)
			assert.ErrorContains(t, err, "above 1e+15")
		})
	}
	ds, err := dataset.Read(strings.NewReader(`{"id":"a","prompt":"p","outcomes":{"m":{"score":1,"cost":1e15,"latency_ms":1e15}}}` + "\n"))
	require.NoError(t, err)
	assert.Equal(t, 1e15, *ds.Records[0].Outcomes["m"].Cost)
	assert.Equal(t, float64(dataset.MaxMagnitude), 1e15)
}

// A number JSON holds but float64 or int cannot (1e400, an output_chars of
// 1e20 or 1.5) was reported as 'got JSON number 1e400, want float64', a
// syntax error in Go's words: it is ErrRange saying what is wrong.
func TestUnrepresentableNumbers(t *testing.T) {
	for _, tc := range []struct {
		outcome, field, want string
	}{
		{`{"score":1e400}`, "outcomes.m.score", "number 1e400 is out of range"},
		{`{"score":1,"cost":-1e999}`, "outcomes.m.cost", "number -1e999 is out of range"},
		{`{"score":1,"output_chars":1e20}`, "outcomes.m.output_chars", "number 1e20: want a whole number"},
		{`{"score":1,"output_chars":1.5}`, "outcomes.m.output_chars", "number 1.5: want a whole number"},
	} {
		t.Run(tc.outcome, func(t *testing.T) {
			_, err := dataset.Read(strings.NewReader(`{"id":"a","prompt":"p","outcomes":{"m":` + tc.outcome + "}}\n"))
			require.ErrorIs(t, err, dataset.ErrRange)
			assert.ErrorContains(t, err, "line 1 (id \"a\"): field "+tc.field+": ")
			assert.ErrorContains(t, err, tc.want)
		})
	}
}
