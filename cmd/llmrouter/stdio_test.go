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

// runStdin runs llmrouter with in as its standard input and returns what
// it wrote to standard output, what it wrote to standard error (the
// command's own and its warnings) and its exit code.
func runStdin(t *testing.T, in []byte, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	oldIn, oldWarn := stdinInput, warnOutput
	var out, errb bytes.Buffer
	stdinInput = func() io.Reader { return bytes.NewReader(in) }
	warnOutput = func() io.Writer { return &errb }
	t.Cleanup(func() { stdinInput, warnOutput = oldIn, oldWarn })
	code = run(args, &out, &errb)
	return out.String(), errb.String(), code
}

// A file argument "-" reads standard input and an output file "-" writes
// standard output (the report then goes to standard error), as Unix tools
// do; "-" used to be opened as a file named "-". Standard input can be
// read once: "-" for two inputs is refused, naming it.
func TestStdinStdoutDash(t *testing.T) {
	dir := t.TempDir()
	data := writeSynth(t, dir, "data.jsonl", 0, 30, mStrong, mWeak)
	dataBytes, err := os.ReadFile(data)
	require.NoError(t, err)
	model := filepath.Join(dir, "m.bin")
	runOK(t, append(append([]string{"train", "-quiet", "-o", model}, fastTrain...), data)...)
	modelBytes, err := os.ReadFile(model)
	require.NoError(t, err)
	predicted := runOK(t, "predict", "-quiet", "-model", model, data)
	require.NotEmpty(t, predicted)
	cfg := filepath.Join("..", "..", "examples", "config", "router.yaml")
	cfgBytes, err := os.ReadFile(cfg)
	require.NoError(t, err)
	validated := runOK(t, "validate", cfg)

	t.Run("train reads the data from standard input", func(t *testing.T) {
		out := filepath.Join(dir, "stdin.bin")
		stdout, stderr, code := runStdin(t, dataBytes, append(append([]string{"train", "-quiet", "-o", out}, fastTrain...), "-")...)
		require.Equal(t, 0, code, stderr)
		assert.Contains(t, stdout, "trained on 30 rows")
		got, err := os.ReadFile(out)
		require.NoError(t, err)
		assert.Equal(t, modelBytes, got, "the same model as from the file")
	})
	t.Run("train -o - writes the model to standard output", func(t *testing.T) {
		stdout, stderr, code := runStdin(t, nil, append(append([]string{"train", "-quiet", "-o", "-"}, fastTrain...), data)...)
		require.Equal(t, 0, code, stderr)
		assert.Equal(t, string(modelBytes), stdout, "standard output holds the model alone")
		assert.Contains(t, stderr, "trained on 30 rows")
		assert.Contains(t, stderr, "wrote standard output")
		_, err := os.Stat("-")
		assert.ErrorIs(t, err, os.ErrNotExist, "no file named -")
	})
	t.Run("predict reads the data from standard input", func(t *testing.T) {
		stdout, stderr, code := runStdin(t, dataBytes, "predict", "-quiet", "-model", model, "-")
		require.Equal(t, 0, code, stderr)
		assert.Equal(t, predicted, stdout)
	})
	t.Run("predict reads the data from standard input in a -data list", func(t *testing.T) {
		stdout, stderr, code := runStdin(t, dataBytes, "predict", "-quiet", "-model", model, "-data", "-", "-o", "-")
		require.Equal(t, 0, code, stderr)
		assert.Equal(t, predicted, stdout)
	})
	t.Run("predict reads the model from standard input", func(t *testing.T) {
		stdout, stderr, code := runStdin(t, modelBytes, "predict", "-quiet", "-model", "-", data)
		require.Equal(t, 0, code, stderr)
		assert.Equal(t, predicted, stdout)
	})
	t.Run("validate reads the configuration from standard input", func(t *testing.T) {
		stdout, stderr, code := runStdin(t, cfgBytes, "validate", "-")
		require.Equal(t, 0, code, stderr)
		want := strings.Replace(validated, cfg+":", "standard input:", 1)
		assert.Equal(t, want, stdout)
	})
	t.Run("replay reads -outcomes from standard input once for the cards too", func(t *testing.T) {
		want := runOK(t, "replay", "-outcomes", data)
		stdout, stderr, code := runStdin(t, dataBytes, "replay", "-outcomes", "-")
		require.Equal(t, 0, code, stderr)
		assert.Equal(t, strings.ReplaceAll(want, data, "standard input"), stdout)
	})
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"predict: model and data", []string{"predict", "-quiet", "-model", "-", "-"}},
		{"train: two arguments", []string{"train", "-quiet", "-o", filepath.Join(dir, "x.bin"), "-", "-"}},
		{"train: a -data list", []string{"train", "-quiet", "-o", filepath.Join(dir, "x.bin"), "-data", "-,-"}},
		{"eval: -test and -model", []string{"eval", "-quiet", "-model", "-", "-test", "-"}},
		{"replay: -outcomes and -model", []string{"replay", "-outcomes", "-", "-model", "-"}},
		{"calibrate: -model and data", []string{"calibrate", "-model", "-", "-strong", mStrong, "-weak", mWeak, "-share", "0.5", "-"}},
		{"predict-verifier: -model and data", []string{"predict-verifier", "-model", "-", "-weak", mWeak, "-"}},
		{"simulate: -prices and data", []string{"simulate", "-no-offline", "-prices", "-", "-"}},
	} {
		t.Run("refused: "+tc.name, func(t *testing.T) {
			stdout, stderr, code := runStdin(t, dataBytes, tc.args...)
			assert.Equal(t, 2, code, stdout)
			assert.Contains(t, stderr, `"-" (standard input) given for two inputs`)
			_, err := os.Stat(filepath.Join(dir, "x.bin"))
			assert.ErrorIs(t, err, os.ErrNotExist, "nothing written")
		})
	}
	for _, args := range [][]string{{"simulate", "-no-offline", "-plot", "-", data}, {"eval", "-quiet", "-plot", "-", data}} {
		t.Run("refused: "+args[0]+" -plot -", func(t *testing.T) {
			stdout, stderr, code := runStdin(t, nil, args...)
			assert.Equal(t, 1, code, stdout)
			assert.Contains(t, stderr, "-plot -: a plot's format comes from its file name's extension")
		})
	}
	t.Run("simulate -state - writes the state to standard output", func(t *testing.T) {
		state := filepath.Join(dir, "state.json")
		report := runOK(t, "simulate", "-no-offline", "-price-free", "-state", state, data)
		want, err := os.ReadFile(state)
		require.NoError(t, err)
		stdout, stderr, code := runStdin(t, nil, "simulate", "-no-offline", "-price-free", "-state", "-", data)
		require.Equal(t, 0, code, stderr)
		// The state holds random decision ids: compare its header.
		require.Greater(t, len(want), 16)
		require.Greater(t, len(stdout), 16)
		assert.Equal(t, want[:16], []byte(stdout[:16]), "standard output holds the state")
		assert.Equal(t, report, stderr, "the report on standard error")
	})
}

// Every command that reads or writes files says in its usage what "-"
// means.
func TestUsageDocumentsDash(t *testing.T) {
	for _, name := range []string{"calibrate", "eval", "predict", "predict-verifier", "replay", "simulate", "train", "train-verifier", "validate", "explain", "demo"} {
		t.Run(name, func(t *testing.T) {
			out := runOK(t, name, "-h")
			assert.Contains(t, out, "standard input", "%s -h:\n%s", name, out)
		})
	}
}
