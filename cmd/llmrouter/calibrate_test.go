package main

import (
	"context"
	"fmt"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/calibrate"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Without -model, calibrate scores with the classifier a router uses by
// default (DefaultClassifier), so its cutoff suits a router built without
// WithClassifier.
func TestCalibrateDefaultsToDefaultClassifier(t *testing.T) {
	test := writeSynth(t, t.TempDir(), "test.jsonl", 1000, 24, mStrong, mWeak)
	ds, err := dataset.Load(test)
	require.NoError(t, err)
	strong, weak := llmrouter.ModelCard{Name: mStrong, Quality: 0.9}, llmrouter.ModelCard{Name: mWeak, Quality: 0.7}
	sc, st, wk, err := calibrate.Scores(context.Background(), llmrouter.DefaultClassifier(), nil, ds, strong, weak)
	require.NoError(t, err)
	for _, share := range []float64{0.3, 0.7} {
		cal, err := calibrate.Share(sc, st, wk, share)
		require.NoError(t, err)
		want := fmt.Sprintf("cutoff %.6g: %.1f%% of %d validation prompts to %s, quality %.4f, PGR %.3f\n",
			cal.Cutoff, 100*cal.StrongShare, len(sc), mStrong, cal.Quality, cal.PGR)
		out := runOK(t, "calibrate", "-strong", mStrong, "-weak", mWeak, "-share", fmt.Sprint(share), test)
		assert.Equal(t, want, out, "share %v", share)
	}
}
