package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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

// -pgr needs the strong model to score above the weak one on the
// validation data: PGR divides by the gap. With no gap, or the weak model
// ahead, every cutoff "reached" the target at once, so calibrate printed
// 'cutoff +Inf: 0.0% … PGR NaN' (or PGR -0.000 for a target of 0.5) and
// succeeded. It now fails, saying why and what to give instead.
func TestCalibratePGRNeedsAGap(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name   string
		scores [2]int // strong's, weak's
		want   string
	}{
		{"no gap", [2]int{1, 1}, "mean quality 1.0000 vs 1.0000"},
		{"weak ahead", [2]int{0, 1}, "mean quality 0.0000 vs 1.0000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			for i := range 20 {
				fmt.Fprintf(&b, `{"id":"%d","prompt":"question number %d","outcomes":{"s":{"score":%d},"w":{"score":%d}}}`+"\n", i, i, tc.scores[0], tc.scores[1])
			}
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".jsonl")
			require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
			runOK(t, "calibrate", "-strong", "s", "-weak", "w", "-share", "0.5", path) // the data are usable otherwise

			var out, errb bytes.Buffer
			require.Equal(t, 1, run([]string{"calibrate", "-strong", "s", "-weak", "w", "-pgr", "0.5", path}, &out, &errb), "stdout: %s", out.String())
			assert.Contains(t, errb.String(), "-pgr 0.5: PGR needs s to score above w on the validation data")
			assert.Contains(t, errb.String(), tc.want)
			assert.Contains(t, errb.String(), "give -share or -quality")
			assert.Empty(t, out.String())
		})
	}
}

// -strong-quality and -weak-quality set the cards a difficulty is mapped
// through; with a -model that predicts both models' quality directly they
// do not apply, and were ignored without a word. They are refused then.
func TestCalibrateCardQualityNeedsDifficulty(t *testing.T) {
	dir := t.TempDir()
	data := writeSynth(t, dir, "data.jsonl", 0, 24, mStrong, mWeak)
	model := filepath.Join(dir, "m.bin")
	runOK(t, "train", "-quiet", "-bits", "10", "-lambda", "1", "-o", model, data)
	for _, flag := range []string{"-strong-quality", "-weak-quality"} {
		var out, errb bytes.Buffer
		require.Equal(t, 1, run([]string{"calibrate", "-model", model, flag, "0.8", "-strong", mStrong, "-weak", mWeak, "-share", "0.5", data}, &out, &errb), out.String())
		assert.Contains(t, errb.String(), flag+" does not apply: "+model+" predicts "+mStrong+" and "+mWeak+" directly")
	}
	// The built-in classifier predicts a difficulty: they apply.
	runOK(t, "calibrate", "-strong-quality", "0.8", "-strong", mStrong, "-weak", mWeak, "-share", "0.5", data)
}

// A target met by sending no request strong (-share 0) gives cutoff +Inf,
// which Threshold takes but a configuration file refuses (its numbers are
// finite). calibrate printed +Inf alone; it now names the finite cutoff a
// configuration file can hold to the same effect, and that file validates.
func TestCalibrateInfiniteCutoffForConfig(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := range 20 {
		fmt.Fprintf(&b, `{"id":"%d","prompt":"question number %d","outcomes":{"s":{"score":1},"w":{"score":%d}}}`+"\n", i, i, i%2)
	}
	path := filepath.Join(dir, "d.jsonl")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	out := runOK(t, "calibrate", "-strong", "s", "-weak", "w", "-share", "0", path)
	assert.Contains(t, out, "cutoff +Inf: 0.0%")
	assert.Contains(t, out, "in a configuration file write cutoff: 2")

	cfg := filepath.Join(dir, "router.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte("models:\n  - name: s\n    provider: fake\n  - name: w\n    provider: fake\npolicy:\n  rule: threshold\n  strong: s\n  weak: w\n  cutoff: 2\n"), 0o644))
	runOK(t, "validate", cfg)
}
