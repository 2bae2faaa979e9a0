package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// predict-verifier scores the records that hold one of the -weak models;
// the others were left out of its output without a word, so a user could
// not tell a scored file from a partly scored one. It now says how many it
// scored and how many it left out, and why, on the warnings stream (stdout
// may be the scores themselves).
func TestPredictVerifierCountsSkippedRecords(t *testing.T) {
	var warn bytes.Buffer
	old := warnOutput
	warnOutput = func() io.Writer { return &warn }
	t.Cleanup(func() { warnOutput = old })

	dir := t.TempDir()
	data := filepath.Join(dir, "mixed.jsonl")
	require.NoError(t, os.WriteFile(data, []byte(strings.Join([]string{
		`{"id":"a","prompt":"2+2?","outcomes":{"small":{"score":1,"answer":"4"}}}`,
		`{"id":"b","prompt":"3+3?","outcomes":{"big":{"score":1,"answer":"6"}}}`,
		`{"id":"c","prompt":"4+4?","outcomes":{"big":{"score":1,"answer":"8"}}}`,
	}, "\n")+"\n"), 0o644))

	var stdout, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"predict-verifier", "-weak", "small", data}, &stdout, &errb), errb.String())
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	require.Len(t, lines, 1, "stdout holds the scores alone")
	assert.Contains(t, lines[0], `"id":"a"`)
	assert.Equal(t, "predict-verifier: scored 1 of 3 records; 2 left out: no outcome for -weak \"small\" (first: "+data+": line 2, id \"b\")\n", warn.String())

	// Every record scored: nothing to say.
	warn.Reset()
	stdout.Reset()
	require.Equal(t, 0, run([]string{"predict-verifier", "-weak", "small,big", data}, &stdout, &errb), errb.String())
	assert.Len(t, strings.Split(strings.TrimSpace(stdout.String()), "\n"), 3)
	assert.Empty(t, warn.String())
}
