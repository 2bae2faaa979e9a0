package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A -prices file that cannot be read or parsed is named with its flag, by
// simulate and train-verifier alike ("open p.json: no such file" used to
// come without the flag, and train-verifier's parse error without it too).
func TestPricesFlagNamed(t *testing.T) {
	dir := t.TempDir()
	good := writeSynth(t, dir, "good.jsonl", 0, 30, mStrong, mWeak)
	answers := filepath.Join(dir, "answers.jsonl")
	require.NoError(t, os.WriteFile(answers, []byte(`{"id":"a","prompt":"2+2?","outcomes":{"big":{"score":1,"answer":"4"},"small":{"score":1,"answer":"4"}}}
`), 0o644))
	missing := filepath.Join(dir, "missing.json")
	broken := filepath.Join(dir, "broken.json")
	require.NoError(t, os.WriteFile(broken, []byte(`{"models":`), 0o644))
	for _, p := range []string{missing, broken} {
		for _, args := range [][]string{
			{"simulate", "-no-offline", "-prices", p, good},
			{"train-verifier", "-strong", "big", "-weak", "small", "-cv", "2", "-prices", p, answers},
		} {
			t.Run(args[0]+" "+filepath.Base(p), func(t *testing.T) {
				var out, errb bytes.Buffer
				assert.Equal(t, 1, run(args, &out, &errb))
				assert.Contains(t, errb.String(), "-prices "+p)
			})
		}
	}
}
