package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// train-verifier and eval check their numeric flags before reading data,
// naming the flag. -quality NaN or -1 used to be ignored silently (the
// saved cutoff came from -share), -quality Inf failed only after the whole
// cross-validation, and -cv 1, -l2 NaN and -l2-grid NaN failed after
// loading the data with messages that did not name the flag.
func TestVerifierAndEvalBadFlagValues(t *testing.T) {
	dir := t.TempDir()
	answers := filepath.Join(dir, "answers.jsonl")
	require.NoError(t, os.WriteFile(answers, []byte(`{"id":"a","prompt":"2+2?","outcomes":{"big":{"score":1,"answer":"4"},"small":{"score":1,"answer":"4"}}}
{"id":"b","prompt":"3+3?","outcomes":{"big":{"score":1,"answer":"6"},"small":{"score":0,"answer":"7"}}}
`), 0o644))
	good := writeSynth(t, dir, "good.jsonl", 0, 30, mStrong, mWeak)
	tv := []string{"train-verifier", "-strong", "big", "-weak", "small"}
	out := filepath.Join(dir, "v.bin")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"quality NaN", append(tv, "-cv", "2", "-quality", "NaN", answers), "-quality NaN"},
		{"quality negative without -cv", append(tv, "-o", out, "-quality", "-1", answers), "-quality -1"},
		{"quality infinite", append(tv, "-cv", "2", "-quality", "Inf", answers), "-quality +Inf"},
		{"share NaN", append(tv, "-o", out, "-share", "NaN", answers), "-share NaN"},
		{"cv 1", append(tv, "-cv", "1", answers), "-cv 1"},
		{"cv negative", append(tv, "-cv", "-2", answers), "-cv -2"},
		{"l2 NaN", append(tv, "-o", out, "-l2", "NaN", answers), "-l2 NaN"},
		{"l2 negative", append(tv, "-o", out, "-l2", "-1", answers), "-l2 -1"},
		{"l2-grid NaN", append(tv, "-o", out, "-l2-grid", "1,NaN", answers), "-l2-grid"},
		{"inner 1", append(tv, "-o", out, "-l2-grid", "1,10", "-inner", "1", answers), "-inner 1"},
		{"eval: cv 1", []string{"eval", "-quiet", "-cv", "1", good}, "-cv 1"},
		{"eval: tune folds 1", []string{"eval", "-quiet", "-tune-folds", "1", good}, "-tune-folds 1"},
		{"eval: bits 3", []string{"eval", "-quiet", "-bits", "3", good}, "-bits 3"},
		{"train: negative lambda", []string{"train", "-quiet", "-o", out, "-lambda", "1,-1", good}, "-lambda -1"},
		{"train: NaN lambda", []string{"train", "-quiet", "-o", out, "-lambda", "NaN", good}, "-lambda NaN"},
		{"train: negative dense weight", []string{"train", "-quiet", "-o", out, "-dense", "-0.5", good}, "-dense -0.5"},
		{"train: bits 40", []string{"train", "-quiet", "-o", out, "-bits", "40", good}, "-bits 40"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, os.RemoveAll(out))
			var stdout, errb bytes.Buffer
			assert.Equal(t, 1, run(tt.args, &stdout, &errb))
			assert.Contains(t, errb.String(), tt.want)
			assert.Empty(t, stdout.String(), "checked before the data is read")
			assert.NoFileExists(t, out)
		})
	}
}
