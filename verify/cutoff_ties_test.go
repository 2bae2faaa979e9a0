package verify

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// CutoffForShare escalates the share nearest the one asked for, ties
// included. Verify rejects a score above the cutoff, so answers scoring
// exactly the cutoff pass: where many training answers share one score
// (a refusal scores the same whatever the prompt), a cutoff at that score
// escalated none of them, and the share escalated could fall far below
// the one asked for (train-verifier asked for 45% and got 12.5%).
func TestCutoffForShareTies(t *testing.T) {
	ramp := func(n int, from, to float64) []float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = from + (to-from)*float64(i)/float64(n-1)
		}
		return s
	}
	same := func(n int, v float64) []float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = v
		}
		return s
	}
	for _, tc := range []struct {
		name   string
		scores []float64
	}{
		{"no ties", ramp(400, 0.01, 0.99)},
		{"the top half tied", append(ramp(200, 0.01, 0.4), same(200, 0.7)...)},
		{"the bottom half tied", append(same(200, 0.2), ramp(200, 0.3, 0.99)...)},
		{"a tie in the middle", append(append(ramp(150, 0.01, 0.3), same(100, 0.5)...), ramp(150, 0.6, 0.99)...)},
		{"two scores", append(same(300, 0.1), same(100, 0.9)...)},
	} {
		m := &Model{quantiles: quantileTable(tc.scores, 100)}
		for _, share := range []float64{0.05, 0.125, 0.3, 0.45, 0.6, 0.8, 0.95} {
			c := m.CutoffForShare(share)
			got := escalated(tc.scores, c)
			best := math.Inf(1) // the nearest share any cutoff escalates
			for _, s := range tc.scores {
				best = min(best, math.Abs(escalated(tc.scores, s)-share), math.Abs(escalated(tc.scores, math.Nextafter(s, -1))-share))
			}
			assert.LessOrEqual(t, math.Abs(got-share), best+0.02, "%s: share %v: cutoff %v escalates %.3f", tc.name, share, c, got)
		}
	}
}

// escalated is the share of scores above c, those Verify rejects.
func escalated(scores []float64, c float64) float64 {
	n := 0
	for _, s := range scores {
		if s > c {
			n++
		}
	}
	return float64(n) / float64(len(scores))
}
