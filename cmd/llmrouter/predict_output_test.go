package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// predict and predict-verifier check -o before loading the model and the
// data, as train does, and name the flag: "-o dir" used to fail only after
// the data was read, with os.Create's "open dir: is a directory".
func TestPredictOutputCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	answers := filepath.Join(dir, "answers.jsonl")
	require.NoError(t, os.WriteFile(answers, []byte(`{"id":"a","prompt":"2+2?","outcomes":{"big":{"score":1,"answer":"4"},"small":{"score":1,"answer":"4"}}}
`), 0o644))
	missing := filepath.Join(dir, "missing.bin") // never opened: -o is checked first
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"predict: output is a directory", []string{"predict", "-quiet", "-model", missing, "-o", dir, answers}, []string{"-o", "is a directory"}},
		{"predict: output in a missing directory", []string{"predict", "-quiet", "-model", missing, "-o", filepath.Join(dir, "nodir", "p.jsonl"), answers}, []string{"-o", "nodir"}},
		{"predict-verifier: output is a directory", []string{"predict-verifier", "-weak", "small", "-model", missing, "-o", dir, answers}, []string{"-o", "is a directory"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			assert.Equal(t, 1, run(tt.args, &out, &errb))
			for _, w := range tt.want {
				assert.Contains(t, errb.String(), w)
			}
			assert.NotContains(t, errb.String(), "missing.bin")
		})
	}
}
