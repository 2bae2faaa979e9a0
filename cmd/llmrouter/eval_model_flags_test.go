package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// eval -model evaluates a saved model as it was trained: a training or
// cross-validation flag given beside it is refused, naming it. They were
// ignored without a word, so "eval -model m.bin -lambda 5" or "-cv 3"
// printed one evaluation of m.bin on all the data as if they had applied.
func TestEvalModelRefusesTrainingFlags(t *testing.T) {
	dir := t.TempDir()
	data := writeSynth(t, dir, "data.jsonl", 0, 24, mStrong, mWeak)
	model := filepath.Join(dir, "m.bin")
	runOK(t, "train", "-quiet", "-bits", "10", "-lambda", "1", "-o", model, data)
	for _, flags := range [][]string{
		{"-lambda", "5"}, {"-bits", "12"}, {"-dense", "0"}, {"-idf", "on"}, {"-tune-folds", "4"}, {"-seed", "7"},
		{"-class-weight"}, {"-difficulty"}, {"-difficulty-only"}, {"-models", mStrong + "," + mWeak}, {"-reference", mStrong},
		{"-cv", "3"}, {"-cv-seed", "2"},
	} {
		t.Run(flags[0], func(t *testing.T) {
			var out, errb bytes.Buffer
			args := append(append([]string{"eval", "-quiet", "-model", model}, flags...), data)
			require.Equal(t, 2, run(args, &out, &errb), "stdout: %s", out.String())
			assert.Contains(t, errb.String(), flags[0]+" does not apply to -model")
			assert.Empty(t, out.String())
		})
	}
	// Without such flags it evaluates, on the data or on -test.
	assert.Contains(t, runOK(t, "eval", "-quiet", "-model", model, data), "test:")
	assert.Contains(t, runOK(t, "eval", "-quiet", "-model", model, "-test", data, "-strong", mStrong, "-weak", mWeak), "test:")
}
