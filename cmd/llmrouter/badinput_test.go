package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Bad flag values and stray arguments fail with an error naming the flag,
// file or argument, instead of running on garbage or ignoring them.
func TestBadInputsFailClearly(t *testing.T) {
	dir := t.TempDir()
	good := writeSynth(t, dir, "good.jsonl", 0, 30, mStrong, mWeak)
	empty := filepath.Join(dir, "empty.jsonl")
	require.NoError(t, os.WriteFile(empty, nil, 0o644))
	answers := filepath.Join(dir, "answers.jsonl")
	require.NoError(t, os.WriteFile(answers, []byte(`{"id":"a","prompt":"2+2?","outcomes":{"big":{"score":1,"answer":"4"},"small":{"score":1,"answer":"4"}}}
{"id":"b","prompt":"3+3?","outcomes":{"big":{"score":1,"answer":"6"},"small":{"score":0}}}
`), 0o644))
	same := filepath.Join(dir, "same.jsonl")
	require.NoError(t, os.WriteFile(same, []byte(`{"id":"a","prompt":"hi","outcomes":{"`+mStrong+`":{"score":1},"`+mWeak+`":{"score":1}}}
`), 0o644))
	model := filepath.Join(dir, "m.bin")
	runOK(t, append(append([]string{"train"}, fastTrain...), "-quiet", "-o", model, good)...)
	cal := []string{"calibrate", "-model", model, "-strong", mStrong, "-weak", mWeak}

	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"calibrate: NaN share", append(cal, "-share", "NaN", good), []string{"-share", "NaN"}},
		{"calibrate: NaN quality", append(cal, "-quality", "NaN", good), []string{"-quality", "NaN"}},
		{"calibrate: pgr above 1", append(cal, "-pgr", "2", good), []string{"-pgr", "2", "[0,1]"}},
		{"calibrate: NaN strong quality", append(cal, "-share", "0.5", "-strong-quality", "NaN", good), []string{"-strong-quality", "NaN"}},
		{"calibrate: weak quality above 1", append(cal, "-share", "0.5", "-weak-quality", "7", good), []string{"-weak-quality", "7"}},
		{"calibrate: strong quality below weak", []string{"calibrate", "-strong", mStrong, "-weak", mWeak, "-share", "0.5", "-strong-quality", "0.5", "-weak-quality", "0.9", good},
			[]string{"-strong-quality 0.5", "-weak-quality 0.9", "above"}},
		{"calibrate: strong quality equal to weak", []string{"calibrate", "-strong", mStrong, "-weak", mWeak, "-share", "0.5", "-strong-quality", "0.8", "-weak-quality", "0.8", good},
			[]string{"-strong-quality 0.8", "-weak-quality 0.8"}},
		{"predict-verifier: unknown weak model", []string{"predict-verifier", "-weak", "nosuch", answers}, []string{`-weak "nosuch"`, "answers.jsonl"}},
		{"predict-verifier: no answer text", []string{"predict-verifier", "-weak", "small", answers}, []string{`(id "b")`, "line 2", "small", "no answer text"}},
		{"replay: NaN threshold cutoff", []string{"replay", "-outcomes", good, "-policy", "threshold:" + mStrong + "," + mWeak + ",NaN"}, []string{"cutoff", "NaN"}},
		{"explain: NaN max cost", []string{"explain", "-max-cost", "NaN", "hi"}, []string{"-max-cost", "NaN"}},
		{"explain: negative max cost", []string{"explain", "-max-cost", "-1", "hi"}, []string{"-max-cost", "-1"}},
		{"simulate: NaN noise", []string{"simulate", "-price-free", "-noise", "NaN", good}, []string{"-noise"}},
		{"simulate: negative max rows", []string{"simulate", "-price-free", "-max-rows", "-1", good}, []string{"-max-rows"}},
		{"predict: empty file", []string{"predict", "-model", model, empty}, []string{"empty.jsonl", "no records"}},
		{"predict-verifier: empty file", []string{"predict-verifier", "-weak", "small", empty}, []string{"empty.jsonl", "no records"}},
		{"eval: empty file", []string{"eval", "-quiet", empty}, []string{"empty.jsonl", "no records"}},
		{"eval: test models score the same", []string{"eval", "-model", model, "-test", same}, []string{"same mean score", "-strong and -weak"}},
		{"train: empty file", []string{"train", "-quiet", "-o", filepath.Join(dir, "e.bin"), empty}, []string{"empty.jsonl", "no records"}},
		{"replay: missing outcomes file", []string{"replay", "-outcomes", filepath.Join(dir, "missing.jsonl")}, []string{"-outcomes", "missing.jsonl"}},
		{"train: output in a missing directory", []string{"train", "-quiet", "-o", filepath.Join(dir, "nodir", "m.bin"), good}, []string{"-o", "nodir"}},
		{"train-verifier: output in a missing directory", []string{"train-verifier", "-strong", "big", "-weak", "small", "-o", filepath.Join(dir, "nodir", "v.bin"), answers}, []string{"-o", "nodir"}},
		{"eval: plot in a missing directory", []string{"eval", "-quiet", "-plot", filepath.Join(dir, "nodir", "p.png"), good}, []string{"-plot", "nodir"}},
		{"train: output is a directory", []string{"train", "-quiet", "-o", dir, good}, []string{"-o", "directory"}},
		{"simulate: state is a directory", []string{"simulate", "-price-free", "-no-offline", "-state", dir, good}, []string{"-state", "directory"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(tt.args, &out, &errb)
			assert.Equal(t, 1, code, "stdout: %s", out.String())
			for _, w := range tt.want {
				assert.Contains(t, errb.String(), w)
			}
		})
	}
}

// Flags after the file arguments are read as flags, not opened as files
// ("train -o m.bin data.jsonl -bits 10" used to fail with "open -bits").
func TestFlagsAfterFiles(t *testing.T) {
	dir := t.TempDir()
	data := writeSynth(t, dir, "data.jsonl", 0, 30, mStrong, mWeak)
	model := filepath.Join(dir, "m.bin")
	out := runOK(t, "train", "-quiet", "-o", model, data, "-bits", "10", "-lambda", "1,10")
	assert.Contains(t, out, "hash bits 10")
	pred := filepath.Join(dir, "pred.jsonl")
	runOK(t, "predict", data, "-model", model, "-o", pred)
	b, err := os.ReadFile(pred)
	require.NoError(t, err)
	assert.Equal(t, 30, strings.Count(string(b), "\n"))
	out = runOK(t, "explain", "Prove that sqrt(2) is irrational.", "-tier", "free")
	assert.Contains(t, out, `not allowed on tier "free"`)
	// After "--" everything is a file, even a name that looks like a flag.
	var o, e bytes.Buffer
	assert.Equal(t, 1, run([]string{"predict", "-model", model, "--", "-bits"}, &o, &e))
	assert.Contains(t, e.String(), "open -bits")
}

// A judge delay longer than the stream means no grade ever arrives; it must
// not allocate a queue of that size (-delay 1e9 took 19 GB before).
func TestSimulateHugeDelayBounded(t *testing.T) {
	dir := t.TempDir()
	data := writeSynth(t, dir, "data.jsonl", 0, 60, mStrong, mWeak)
	out := runOK(t, "simulate", "-price-free", "-window", "30", "-delay", "1000000000", data)
	assert.Contains(t, out, "delay 1000000000 requests")
}

// help lines up every summary in one column, long command names included.
func TestUsageAligned(t *testing.T) {
	var out bytes.Buffer
	usage(&out)
	col := -1
	for _, l := range strings.Split(out.String(), "\n") {
		name, _, ok := strings.Cut(strings.TrimPrefix(l, "  "), " ")
		if !strings.HasPrefix(l, "  ") || !ok {
			continue
		}
		i := len("  ") + len(name) + len(strings.TrimPrefix(l, "  "+name)) - len(strings.TrimLeft(strings.TrimPrefix(l, "  "+name), " "))
		if col < 0 {
			col = i
		}
		assert.Equal(t, col, i, "summary column of %q", name)
	}
	assert.Positive(t, col)
}
