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
