package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// train-verifier's error for a record without answer texts names the file
// as well as the line and id: verify.Examples, which knows no files, said
// 'verify: record "b" (line 1)', and with several files line 1 is in each.
func TestTrainVerifierErrorNamesFile(t *testing.T) {
	dir := t.TempDir()
	first := filepath.Join(dir, "first.jsonl")
	require.NoError(t, os.WriteFile(first, []byte(
		`{"id":"a","prompt":"2+2?","outcomes":{"big":{"score":1,"answer":"4"},"small":{"score":1,"answer":"4"}}}`+"\n"+
			`{"id":"c","prompt":"2+5?","outcomes":{"big":{"score":1,"answer":"7"},"small":{"score":0,"answer":"8"}}}`+"\n"), 0o644))
	second := filepath.Join(dir, "second.jsonl")
	require.NoError(t, os.WriteFile(second, []byte(`{"id":"b","prompt":"3+3?","outcomes":{"big":{"score":1},"small":{"score":0}}}`+"\n"), 0o644))
	for _, target := range []string{"gain", "weak-fails"} {
		t.Run(target, func(t *testing.T) {
			var stdout, errb bytes.Buffer
			assert.Equal(t, 1, run([]string{"train-verifier", "-strong", "big", "-weak", "small", "-target", target,
				"-o", filepath.Join(dir, "v.bin"), first, second}, &stdout, &errb))
			assert.Contains(t, errb.String(), second+`: line 1 (id "b"): model "small" has no answer text`)
		})
	}
}
