package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A record with messages and no prompt text (the dataset format allows
// one; Messages are kept raw) is refused by the commands, which route on
// the prompt, naming the file and line: train learnt from it as from an
// empty prompt and predict predicted for "" silently. A turns-only record
// takes its first turn as its prompt (package dataset). Found feeding
// such records to train and predict.
func TestMessagesOnlyRecordRefused(t *testing.T) {
	dir := t.TempDir()
	good := writeSynth(t, dir, "good.jsonl", 0, 30, mStrong, mWeak)
	model := filepath.Join(dir, "m.bin")
	runOK(t, append(append([]string{"train", "-quiet", "-o", model}, fastTrain...), good)...)
	b, err := os.ReadFile(good)
	require.NoError(t, err)
	data := filepath.Join(dir, "messages.jsonl")
	require.NoError(t, os.WriteFile(data, append(b, []byte(`{"id":"mo","messages":[{"role":"human","parts":[{"type":"text","text":"hard proof"}]}],"outcomes":{"`+mStrong+`":{"score":1},"`+mWeak+`":{"score":0}}}`+"\n")...), 0o644))
	for _, args := range [][]string{
		append(append([]string{"train", "-quiet", "-o", filepath.Join(dir, "out.bin")}, fastTrain...), data),
		append(append([]string{"eval", "-quiet"}, fastTrain...), data),
		{"predict", "-quiet", "-model", model, data},
		{"calibrate", "-model", model, "-strong", mStrong, "-weak", mWeak, "-share", "0.5", data},
		{"simulate", "-no-offline", "-price-free", data},
		{"replay", "-outcomes", data},
	} {
		t.Run(args[0], func(t *testing.T) {
			var out, errb bytes.Buffer
			assert.Equal(t, 1, run(args, &out, &errb))
			assert.Contains(t, errb.String(), data+": line 31 (id \"mo\"): no prompt")
		})
	}
}
