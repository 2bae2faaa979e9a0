package calibrate_test

import (
	"context"
	"math"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/calibrate"
	"github.com/llmrouter/llmrouter/train"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestShare(t *testing.T) {
	scores := []float64{0.9, 0.1, 0.5, 0.7, 0.3}
	strong := []float64{1, 1, 1, 1, 0}
	weak := []float64{0, 1, 0, 1, 0}
	tests := []struct {
		name       string
		scores     []float64
		share      float64
		wantCutoff float64
		wantShare  float64
	}{
		{"none", scores, 0, math.Inf(1), 0},
		{"two of five", scores, 0.4, 0.6, 0.4},
		{"rounds down", scores, 0.5, 0.6, 0.4},
		{"all", scores, 1, math.Inf(-1), 1},
		{"tie at the boundary stays weak", []float64{0.9, 0.5, 0.5, 0.1}, 0.5, 0.7, 0.25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var st, wk []float64
			if len(tt.scores) == len(strong) {
				st, wk = strong, weak
			}
			c, err := calibrate.Share(tt.scores, st, wk, tt.share)
			require.NoError(t, err)
			assert.InDelta(t, tt.wantShare, c.StrongShare, 1e-12)
			if math.IsInf(tt.wantCutoff, 0) {
				assert.Equal(t, tt.wantCutoff, c.Cutoff)
			} else {
				assert.InDelta(t, tt.wantCutoff, c.Cutoff, 1e-12)
			}
			// The cutoff sends exactly StrongShare of the scores to strong.
			n := 0
			for _, s := range tt.scores {
				if s >= c.Cutoff {
					n++
				}
			}
			assert.InDelta(t, c.StrongShare, float64(n)/float64(len(tt.scores)), 1e-12)
			if st == nil {
				assert.True(t, math.IsNaN(c.Quality))
			}
		})
	}
	c, err := calibrate.Share(scores, strong, weak, 0.4)
	require.NoError(t, err)
	// Prompts 0 (gain 1) and 3 (gain 0) go strong: weak's 0.4 + 1/5.
	assert.InDelta(t, 0.6, c.Quality, 1e-12)
	assert.InDelta(t, 0.5, c.PGR, 1e-12)

	for _, bad := range []struct {
		name   string
		scores []float64
		share  float64
		strong []float64
	}{
		{"share above 1", scores, 1.5, nil},
		{"share NaN", scores, math.NaN(), nil},
		{"no scores", nil, 0.5, nil},
		{"NaN score", []float64{math.NaN()}, 0.5, nil},
		{"length mismatch", scores, 0.5, []float64{1}},
	} {
		t.Run(bad.name, func(t *testing.T) {
			_, err := calibrate.Share(bad.scores, bad.strong, bad.strong, bad.share)
			assert.Error(t, err)
		})
	}
}

func TestQuality(t *testing.T) {
	scores := []float64{0.9, 0.1, 0.5, 0.7, 0.3}
	strong := []float64{1, 1, 1, 1, 0}
	weak := []float64{0, 1, 0, 1, 0}
	// weak alone 0.4, strong alone 0.8; prompt 0 (0.9) gains 1, prompt 2 (0.5) gains 1.
	tests := []struct {
		target    float64
		wantShare float64
		wantQ     float64
	}{
		{0.3, 0, 0.4},
		{0.4, 0, 0.4},
		{0.6, 0.2, 0.6},
		{0.8, 0.6, 0.8},
	}
	for _, tt := range tests {
		c, err := calibrate.Quality(scores, strong, weak, tt.target)
		require.NoError(t, err)
		assert.InDelta(t, tt.wantShare, c.StrongShare, 1e-12, "target %v", tt.target)
		assert.InDelta(t, tt.wantQ, c.Quality, 1e-12, "target %v", tt.target)
	}
	c, err := calibrate.Quality(scores, strong, weak, 0.95)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no cutoff reaches quality 0.95")
	assert.Equal(t, 1.0, c.StrongShare)
	_, err = calibrate.Quality(scores, nil, nil, 0.5)
	assert.Error(t, err)
}

func TestRouteScore(t *testing.T) {
	strong := llmrouter.ModelCard{Name: "s", Quality: 0.9}
	weak := llmrouter.ModelCard{Name: "w", Quality: 0.6}
	p := &llmrouter.Prediction{Quality: []float64{0.8, 0.5}, Difficulty: math.NaN()}
	assert.InDelta(t, 0.3, calibrate.RouteScore(p, strong, weak, 0, 1), 1e-12)
	p = &llmrouter.Prediction{Quality: []float64{math.NaN(), math.NaN()}, Difficulty: 0.5}
	assert.InDelta(t, 0.3, calibrate.RouteScore(p, strong, weak, 0, 1), 1e-9)
	p = &llmrouter.Prediction{Quality: []float64{math.NaN(), 0.5}, Difficulty: math.NaN()}
	assert.True(t, math.IsNaN(calibrate.RouteScore(p, strong, weak, 0, 1)))
}

func TestScoresThenCalibrate(t *testing.T) {
	ds := synthDataset(100)
	c := trainSynth(t, train.Options{Lambdas: []float64{1}, IDF: train.IDFOn})
	strong, weak := llmrouter.ModelCard{Name: "strong"}, llmrouter.ModelCard{Name: "weak"}
	scores, st, wk, err := calibrate.Scores(context.Background(), c, nil, ds, strong, weak)
	require.NoError(t, err)
	require.Len(t, scores, 100)
	// 40% of the prompts (integrals and proofs) are where strong helps.
	cal, err := calibrate.Share(scores, st, wk, 0.4)
	require.NoError(t, err)
	assert.InDelta(t, 1.0, cal.PGR, 1e-9)
	q, err := calibrate.Quality(scores, st, wk, 0.8)
	require.NoError(t, err)
	assert.InDelta(t, 0.4, q.StrongShare, 1e-9)

	_, _, _, err = calibrate.Scores(context.Background(), c, nil, ds, strong, llmrouter.ModelCard{Name: "absent"})
	assert.ErrorContains(t, err, "no record has outcomes")
	none := llmrouter.ClassifierFunc(func(context.Context, *llmrouter.Features, []llmrouter.ModelCard, *llmrouter.Prediction) error {
		return nil
	})
	_, _, _, err = calibrate.Scores(context.Background(), none, nil, ds, strong, weak)
	assert.ErrorContains(t, err, "no opinion")
}
