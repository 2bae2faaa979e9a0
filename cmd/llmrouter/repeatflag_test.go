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

// A flag given twice with two values is refused, naming it and both
// values: the flag package kept the last, so "train -data a.jsonl -data
// b.jsonl" trained on b alone, a's records dropped without a word. -alias,
// meant to be repeated, still adds up; a flag repeated with the same
// value loses nothing and passes.
func TestRepeatedFlagRefused(t *testing.T) {
	dir := t.TempDir()
	a := writeSynth(t, dir, "a.jsonl", 0, 24, mStrong, mWeak)
	b := writeSynth(t, dir, "b.jsonl", 100, 24, mStrong, mWeak)
	model := filepath.Join(dir, "m.bin")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"train -data twice", []string{"train", "-bits", "10", "-lambda", "1", "-data", a, "-data", b, "-o", model},
			`-data given twice ("` + a + `", then "` + b + `")`},
		{"train -o twice after the file", []string{"train", "-bits", "10", "-lambda", "1", a, "-o", model, "-o", model + "2"},
			`-o given twice`},
		{"eval -cv twice", []string{"eval", "-cv", "2", "-cv", "3", a}, `-cv given twice ("2", then "3")`},
		{"calibrate -strong twice", []string{"calibrate", "-strong", mWeak, "-strong", mStrong, "-weak", mWeak, "-share", "0.5", a},
			`-strong given twice`},
		{"predict -model twice", []string{"predict", "-model", model, "-model", a, b}, `-model given twice`},
		{"replay -outcomes twice", []string{"replay", "-outcomes", a, "-outcomes", b}, `-outcomes given twice`},
		// -o and -out set one variable: the last given won.
		{"train -o and -out", []string{"train", "-bits", "10", "-lambda", "1", "-o", model, "-out", model + "2", a},
			`-o and -out both given ("` + model + `", then "` + model + `2")`},
		{"predict -out and -o", []string{"predict", "-model", model + "x", "-out", model, "-o", model + "2", a},
			`-out and -o both given ("` + model + `", then "` + model + `2")`},
		{"bool flag both ways", []string{"train", "-quiet", "-quiet=false", "-o", model, a}, `-quiet given twice ("true", then "false")`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			require.Equal(t, 2, run(tc.args, &out, &errb), "stdout: %s\nstderr: %s", out.String(), errb.String())
			assert.Contains(t, errb.String(), tc.want)
			assert.Regexp(t, "give it once|give one", errb.String())
			_, err := os.Stat(model)
			assert.True(t, os.IsNotExist(err), "no model written")
		})
	}

	// Repeated with the same value: nothing is lost.
	out := runOK(t, "train", "-bits", "10", "-lambda", "1", "-quiet", "-quiet", "-o", model, "-o", model, a)
	assert.Contains(t, out, "trained on 24 rows")
	// -alias adds up when repeated.
	out = runOK(t, "train", "-bits", "10", "-lambda", "1", "-alias", mStrong+"=s", "-alias", mWeak+"=w", "-o", model, a, b)
	assert.Contains(t, out, "trained on 48 rows")
	assert.True(t, strings.Contains(out, "2 models"), out)
}
