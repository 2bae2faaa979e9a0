package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A directory given as a model file is named as such; the readers said
// 'bad model file: too short to be a linear classifier model (read DIR: is
// a directory)', as if a file had been cut short.
func TestModelFlagDirectory(t *testing.T) {
	dir := t.TempDir()
	data := writeSynth(t, dir, "data.jsonl", 0, 12, mStrong, mWeak)
	mdir := filepath.Join(dir, "model.bin")
	require.NoError(t, os.Mkdir(mdir, 0o755))
	for _, args := range [][]string{
		{"predict", "-model", mdir, data},
		{"calibrate", "-model", mdir, "-strong", mStrong, "-weak", mWeak, "-share", "0.5", data},
		{"eval", "-model", mdir, data},
		{"replay", "-model", mdir, "-outcomes", data},
		{"predict-verifier", "-model", mdir, "-weak", mWeak, data},
	} {
		t.Run(args[0], func(t *testing.T) {
			var out, errb bytes.Buffer
			require.Equal(t, 1, run(args, &out, &errb))
			assert.Contains(t, errb.String(), mdir+": a directory, not a model file")
			assert.NotContains(t, errb.String(), "too short")
		})
	}
}
