package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// replay -outcomes names the file and line of a record lacking the
// candidate's choice: with a comma list of files the id alone did not say
// where it was.
func TestReplayErrorNamesFile(t *testing.T) {
	dir := t.TempDir()
	first := writeSynth(t, dir, "first.jsonl", 0, 12, mStrong, mWeak)
	second := filepath.Join(dir, "second.jsonl")
	require.NoError(t, os.WriteFile(second, []byte(
		`{"id":"x1","prompt":"Say hello to my dear old friend.","outcomes":{"`+mWeak+`":{"score":1},"`+mStrong+`":{"score":1}}}`+"\n"+
			`{"id":"x2","prompt":"Say hello to my other friend.","outcomes":{"`+mStrong+`":{"score":1}}}`+"\n"), 0o644))
	var out, errb bytes.Buffer
	require.Equal(t, 1, run([]string{"replay", "-outcomes", first + "," + second, "-policy", "threshold:" + mStrong + "," + mWeak + ",2"}, &out, &errb), out.String())
	assert.Contains(t, errb.String(), second+`: line 2 (id "x2"): no outcome for "`+mWeak+`", the candidate's choice`)
}
