package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An output flag naming one of the command's input files (the data, the
// model, the prices; by another spelling of its path too) is refused
// before anything is read or written, naming both. `predict -o data.jsonl
// data.jsonl` used to replace the user's outcomes file with predictions
// and exit 0; `train -o data.jsonl data.jsonl` replaced it with a model.
// Found running each command with its output on its input.
func TestOutputIsNotAnInput(t *testing.T) {
	dir := t.TempDir()
	data := writeSynth(t, dir, "data.jsonl", 0, 30, mStrong, mWeak)
	model := filepath.Join(dir, "m.bin")
	runOK(t, append(append([]string{"train", "-quiet", "-o", model}, fastTrain...), data)...)
	prices := filepath.Join(dir, "prices.json")
	require.NoError(t, os.WriteFile(prices, []byte(`{"models":{}}`), 0o644))
	other := filepath.Join(dir, "other.jsonl")
	require.NoError(t, os.WriteFile(other, []byte(`{"id":"x","prompt":"p","outcomes":{"a":{"score":1}}}`+"\n"), 0o644))
	// The same file under another name: "dir/./data.jsonl".
	alias := dir + string(filepath.Separator) + "." + string(filepath.Separator) + "data.jsonl"
	// Inputs whose names a plot could have.
	svgPrices, svgData := filepath.Join(dir, "prices.svg"), filepath.Join(dir, "data.svg")
	require.NoError(t, os.WriteFile(svgPrices, []byte(`{"models":{}}`), 0o644))
	b, err := os.ReadFile(data)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(svgData, b, 0o644))
	for _, tc := range []struct {
		name  string
		args  []string
		flag  string
		input string
	}{
		{"predict data", []string{"predict", "-quiet", "-model", model, "-o", alias, data}, "-o", data},
		{"predict -data list", []string{"predict", "-quiet", "-model", model, "-data", other + "," + data, "-out", data}, "-o", data},
		{"predict model", []string{"predict", "-quiet", "-model", model, "-o", model, data}, "-o", model},
		{"train data", []string{"train", "-quiet", "-o", data, data}, "-o", data},
		{"train second file", []string{"train", "-quiet", "-o", data, other, data}, "-o", data},
		{"predict-verifier data", []string{"predict-verifier", "-weak", mWeak, "-o", data, data}, "-o", data},
		{"train-verifier prices", []string{"train-verifier", "-strong", mStrong, "-weak", mWeak, "-cv", "2", "-prices", prices, "-o", prices, data}, "-o", prices},
		{"simulate state", []string{"simulate", "-no-offline", "-state", data, data}, "-state", data},
		{"simulate plot", []string{"simulate", "-no-offline", "-plot", svgPrices, "-prices", svgPrices, data}, "-plot", svgPrices},
		{"eval plot", []string{"eval", "-quiet", "-plot", svgData, svgData}, "-plot", svgData},
		{"eval plot test", []string{"eval", "-quiet", "-model", model, "-test", svgData, "-plot", svgData}, "-plot", svgData},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := map[string][]byte{}
			for _, p := range []string{data, model, prices, other, svgPrices, svgData} {
				b, err := os.ReadFile(p)
				require.NoError(t, err)
				before[p] = b
			}
			var out, errb bytes.Buffer
			assert.Equal(t, 1, run(tc.args, &out, &errb))
			assert.Contains(t, errb.String(), tc.flag+" ")
			assert.Contains(t, errb.String(), "is the input file "+tc.input)
			for p, b := range before {
				got, err := os.ReadFile(p)
				require.NoError(t, err)
				assert.Equal(t, b, got, "%s changed", p)
			}
		})
	}
}

// simulate checks -plot's directory before playing the traffic, as eval
// does; it used to play the whole stream, print the learning curve, and
// only then fail to create the file.
func TestSimulatePlotCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	data := writeSynth(t, dir, "data.jsonl", 0, 30, mStrong, mWeak)
	var out, errb bytes.Buffer
	assert.Equal(t, 1, run([]string{"simulate", "-no-offline", "-plot", filepath.Join(dir, "no", "such", "dir.svg"), data}, &out, &errb))
	assert.Contains(t, errb.String(), "-plot "+filepath.Join(dir, "no", "such", "dir.svg")+": its directory")
	assert.Empty(t, out.String(), "checked before the traffic is played")
}
