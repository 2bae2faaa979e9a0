package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// predict scores new prompts: records without outcomes are read (the
// outcomes are what the prediction is for), where they used to fail with
// "no outcomes". Every other check of a record still holds.
func TestPredictPromptsWithoutOutcomes(t *testing.T) {
	dir := t.TempDir()
	good := writeSynth(t, dir, "good.jsonl", 0, 30, mStrong, mWeak)
	model := filepath.Join(dir, "m.bin")
	runOK(t, append(append([]string{"train"}, fastTrain...), "-quiet", "-o", model, good)...)
	prompts := filepath.Join(dir, "prompts.jsonl")
	require.NoError(t, os.WriteFile(prompts, []byte(`{"id":"n1","prompt":"What is 2+2?"}
{"id":"n2","prompt":"Prove the theorem.","outcomes":{}}
`), 0o644))

	var out, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"predict", "-quiet", "-model", model, prompts}, &out, &errb), errb.String())
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 2)
	for i, id := range []string{"n1", "n2"} {
		var l predictionLine
		require.NoError(t, json.Unmarshal([]byte(lines[i]), &l))
		assert.Equal(t, id, l.ID)
		assert.Len(t, l.Predicted, 2)
	}

	bad := filepath.Join(dir, "bad.jsonl")
	require.NoError(t, os.WriteFile(bad, []byte(`{"id":"n1"}
`), 0o644))
	errb.Reset()
	assert.Equal(t, 1, run([]string{"predict", "-quiet", "-model", model, bad}, &out, &errb))
	assert.Contains(t, errb.String(), "prompt is empty")
}
