package judge

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A labelled grade was read up to the first character that is not part of
// a plain decimal, so "Score: 7-8" (a range) graded 7, "Rating: 7,5" (a
// decimal comma) 7 and "Grade: 1e9" 1: a malformed output became a grade.
// A number running on into a digit, letter, or separator-and-digit is now
// malformed; what ends cleanly still parses.
func TestParseGradeLabelNumberMustEnd(t *testing.T) {
	for _, tc := range []struct {
		out  string
		want float64 // 0: malformed
	}{
		{"Score: 7-8", 0},
		{"Score: 7–8", 0},
		{"Rating: 7,5", 0},
		{"Grade: 1e9", 0},
		{"Rating: 8th", 0},
		{"Rating: 7.5.1", 0},
		{"Rating: 7.", 7},
		{"Rating: 7 - solid", 7},
		{"Rating: 7, solid", 7},
		{"Score: 9/10, well argued", 9},
		{"**Grade:** 6**", 6},
	} {
		t.Run(tc.out, func(t *testing.T) {
			g, err := parseGrade(tc.out)
			if tc.want == 0 {
				require.ErrorIs(t, err, ErrMalformed, "graded %v", g)
				assert.Contains(t, err.Error(), "is not a grade")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, g)
		})
	}
}
