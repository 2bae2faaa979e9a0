package verify

import (
	"math"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A record with the weak model's outcome alone (a decision log's export)
// is an example for target weak-fails, which reads only the weak answer's
// grade, and is skipped for gain, which needs the strong model's score.
func TestExamplesWeakOnly(t *testing.T) {
	ds, err := dataset.Read(strings.NewReader(`{"id":"both","prompt":"2+2?","outcomes":{"big":{"score":1,"answer":"4"},"small":{"score":0,"answer":"5"}}}
{"id":"weak","prompt":"3+3?","outcomes":{"small":{"score":0.25,"answer":"maybe 7"}}}
{"id":"strong","prompt":"4+4?","outcomes":{"big":{"score":1,"answer":"8"}}}
`))
	require.NoError(t, err)
	pairs := []Pair{{Strong: "big", Weak: "small"}}
	tests := []struct {
		target  Target
		ids     []string
		labels  []float64
		skipped int
	}{
		{TargetGain, []string{"both"}, []float64{1}, 2},
		{TargetWeakFails, []string{"both", "weak"}, []float64{1, 0.75}, 1},
	}
	for _, tt := range tests {
		t.Run(string(tt.target), func(t *testing.T) {
			ex, skipped, err := Examples(ds, pairs, tt.target)
			require.NoError(t, err)
			assert.Equal(t, tt.skipped, skipped)
			require.Len(t, ex, len(tt.ids))
			for i, e := range ex {
				assert.Equal(t, tt.ids[i], e.ID)
				assert.InDelta(t, tt.labels[i], e.Label, 1e-12)
				assert.Equal(t, e.ID == "weak", e.WeakOnly)
				assert.Equal(t, e.ID == "weak", math.IsNaN(e.Strong), "Strong is NaN exactly when unknown")
			}
		})
	}

	weakOnly := ds.Filter(func(r *dataset.Record) bool { return r.ID == "weak" })
	_, _, err = Examples(weakOnly, pairs, TargetGain)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `1 have the weak model's outcome alone, which only target "weak-fails" learns from`)

	ex, _, err := Examples(ds, pairs, TargetWeakFails)
	require.NoError(t, err)
	_, _, err = Tune(ex, 2, 1, []TrainOptions{{}}, nil)
	require.Error(t, err, "tuning rates a cascade, which needs the strong model's score")
	assert.Contains(t, err.Error(), `example 1 (weak) has the weak model's outcome alone`)
}
