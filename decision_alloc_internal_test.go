package llmrouter

import (
	"math"
	"strconv"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSetID checks that an ID is formatted into the Decision's own bytes
// while it fits them (the longest prefix, "d", a base-36 uint32 and "-",
// leaves 7 base-36 digits) and is allocated, the same text, past that.
func TestSetID(t *testing.T) {
	longest := "d" + strconv.FormatUint(math.MaxUint32, 36) + "-"
	require.Len(t, longest, 9)
	for _, tc := range []struct {
		prefix string
		seq    uint64
		inline bool
	}{
		{longest, 0, true},
		{longest, 1, true},
		{longest, 36*36*36*36*36*36*36 - 1, true},
		{longest, 36 * 36 * 36 * 36 * 36 * 36 * 36, false},
		{longest, math.MaxUint64, false},
		{"d0-", math.MaxUint64, true},
	} {
		var d Decision
		d.setID(tc.prefix, tc.seq)
		assert.Equal(t, tc.prefix+strconv.FormatUint(tc.seq, 36), d.ID)
		assert.Equal(t, tc.inline, unsafe.StringData(d.ID) == &d.idBuf[0], "%s in the Decision's bytes", d.ID)
	}
}

// TestNewDecision checks the storage newDecision hands out for every number
// of models: slices of the right length and room, zero, and one attempt's
// room when asked.
func TestNewDecision(t *testing.T) {
	for n := range 12 {
		for _, first := range []bool{false, true} {
			d, attempts := newDecision(n, first)
			require.NotNil(t, d)
			assert.Len(t, d.Prediction.Quality, n)
			assert.Len(t, d.Candidates, n)
			assert.Empty(t, d.Plan)
			assert.GreaterOrEqual(t, cap(d.Plan), n)
			assert.NotNil(t, d.Plan)
			for i := range n {
				assert.Zero(t, d.Prediction.Quality[i])
				assert.Zero(t, d.Candidates[i])
			}
			assert.Nil(t, d.Attempts)
			if first {
				require.NotNil(t, attempts)
				assert.Empty(t, attempts)
				assert.Equal(t, 1, cap(attempts))
			} else {
				assert.Nil(t, attempts)
			}
		}
	}
}
