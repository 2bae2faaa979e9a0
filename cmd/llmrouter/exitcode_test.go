package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The exit status says what kind of failure it was (see the package
// documentation): 2 for a command line of the wrong shape, as for an
// unknown command, 1 for everything else. An unknown flag, a flag given
// twice, a missing required flag or argument, a stray argument and
// conflicting flags exited 1, while an unknown command exited 2.
func TestExitStatus(t *testing.T) {
	dir := t.TempDir()
	good := writeSynth(t, dir, "good.jsonl", 0, 30, mStrong, mWeak)
	missing := filepath.Join(dir, "missing.jsonl")
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"nope"}, 2, `unknown command "nope"`},
		{[]string{"train", "-nosuch", good}, 2, "flag provided but not defined: -nosuch"},
		{[]string{"train", "-bits", "x", good}, 2, `invalid value "x" for flag -bits`},
		{[]string{"train", "-o", "a.bin", "-o", "b.bin", good}, 2, "-o given twice"},
		{[]string{"train"}, 2, "no data files given"},
		{[]string{"train", "-", "-"}, 2, "standard input can be read once"},
		{[]string{"eval"}, 2, "no data files given"},
		{[]string{"explain"}, 2, "want exactly one prompt argument, got 0"},
		{[]string{"explain", "a", "b"}, 2, "want exactly one prompt argument, got 2"},
		{[]string{"validate"}, 2, "want exactly one file argument, got 0"},
		{[]string{"models", "extra"}, 2, `unexpected argument(s) "extra"`},
		{[]string{"replay", "-outcomes", good, "other.jsonl"}, 2, `unexpected argument(s) "other.jsonl"`},
		{[]string{"demo", "extra"}, 2, `unexpected argument(s) "extra"`},
		{[]string{"predict", good}, 2, "-model is required"},
		{[]string{"predict-verifier", good}, 2, "-weak is required"},
		{[]string{"eval", "-model", "m.bin"}, 2, "-model needs data to evaluate on"},
		{[]string{"eval", "-model", "m.bin", "-test", good, good}, 2, "-model evaluates a saved model: drop the training files"},
		{[]string{"calibrate", good}, 2, "-strong and -weak are required"},
		{[]string{"calibrate", "-strong", mStrong, "-weak", mWeak, "-share", "0.5", "-quality", "0.5", good}, 2, "give exactly one of -share, -quality, -pgr"},
		{[]string{"train-verifier", good}, 2, "-strong and -weak are required"},
		{[]string{"train-verifier", "-strong", "a,b", "-weak", "c", "-o", "v.bin", good}, 2, "give one strong model per weak model"},
		{[]string{"train-verifier", "-strong", "a", "-weak", "b", good}, 2, "nothing to do"},
		{[]string{"replay"}, 2, "give -outcomes, -log or both"},
		{[]string{"replay", "-log", dir}, 2, "-log needs -cards"},
		{[]string{"simulate"}, 2, "no data"},
		{[]string{"simulate", "-price-free", "-prices", "p.json", good}, 2, "-price-free and -prices: give one"},
		{[]string{"simulate", "-price-free", "-output-tokens", "5", good}, 2, "-output-tokens applies only with -prices"},
		// Anything else, a value out of its range included, exits 1.
		{[]string{"train", "-bits", "99", good}, 1, "-bits 99: want 8 to 24"},
		{[]string{"train", "-o", filepath.Join(dir, "m.bin"), missing}, 1, "missing.jsonl"},
		{[]string{"explain", "-max-cost", "NaN", "hi"}, 1, "-max-cost NaN"},
		{[]string{"calibrate", "-strong", mStrong, "-weak", "nosuch", "-share", "0.5", good}, 1, `-weak "nosuch": no such model in the data`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			assert.Equal(t, tt.code, run(tt.args, &out, &errb), errb.String())
			assert.Contains(t, errb.String(), tt.want)
		})
	}
}
