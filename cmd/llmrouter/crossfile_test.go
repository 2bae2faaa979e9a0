package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An id in two data files (the same file given twice, or overlapping
// exports) is an error naming both files and lines, as a repeat within
// one file already is: every command read such files as one dataset
// holding the records twice, so train and eval counted them twice,
// predict wrote two lines for one id, and simulate played them twice.
// Found giving each command one file twice.
func TestIDInTwoFiles(t *testing.T) {
	dir := t.TempDir()
	a := writeSynth(t, dir, "a.jsonl", 0, 30, mStrong, mWeak)
	b := writeSynth(t, dir, "b.jsonl", 25, 30, mStrong, mWeak) // ids 25…29 are in both
	model := filepath.Join(dir, "m.bin")
	runOK(t, append(append([]string{"train", "-quiet", "-o", model}, fastTrain...), a)...)
	answers := filepath.Join(dir, "answers.jsonl")
	require.NoError(t, os.WriteFile(answers, []byte(`{"id":"x","prompt":"2+2?","outcomes":{"big":{"score":1,"answer":"4"},"small":{"score":1,"answer":"4"}}}`+"\n"), 0o644))
	for _, tc := range []struct {
		name  string
		args  []string
		files []string
	}{
		{"train", append(append([]string{"train", "-quiet", "-o", filepath.Join(dir, "out.bin")}, fastTrain...), a, b), []string{a, b}},
		{"train same file twice", append(append([]string{"train", "-quiet", "-o", filepath.Join(dir, "out.bin")}, fastTrain...), a, a), []string{a, a}},
		{"eval", append(append([]string{"eval", "-quiet"}, fastTrain...), a, b), []string{a, b}},
		{"eval -data list", append(append([]string{"eval", "-quiet"}, fastTrain...), "-data", a+","+b), []string{a, b}},
		{"predict", []string{"predict", "-quiet", "-model", model, a, b}, []string{a, b}},
		{"calibrate", []string{"calibrate", "-model", model, "-strong", mStrong, "-weak", mWeak, "-share", "0.5", a, b}, []string{a, b}},
		{"simulate", []string{"simulate", "-no-offline", "-price-free", a, b}, []string{a, b}},
		{"train-verifier", []string{"train-verifier", "-strong", "big", "-weak", "small", "-o", filepath.Join(dir, "v.bin"), answers, answers}, []string{answers, answers}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			assert.Equal(t, 1, run(tc.args, &out, &errb))
			assert.Contains(t, errb.String(), tc.files[1]+": line ")
			assert.Contains(t, errb.String(), "duplicate")
			assert.Contains(t, errb.String(), "also on line ")
			assert.Contains(t, errb.String(), "of "+tc.files[0])
		})
	}
}
