package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A flag that applies only beside another is refused without it, naming
// both: train-verifier's -inner, -tune and -targets (with -l2-grid), -seed
// (with -cv or -l2-grid) and -prices (with -cv or -tune cost95), eval's -cv
// and -cv-seed beside -test, simulate's -output-tokens (with -prices),
// replay's -confidence and -folds (with -log). They were read and ignored
// without a word.
func TestFlagNeedsAnother(t *testing.T) {
	dir := t.TempDir()
	answers := writeSumAnswers(t, dir)
	prices := filepath.Join(dir, "prices.json")
	require.NoError(t, os.WriteFile(prices, []byte(`{"models":{"big":{"input_per_mtok":1,"output_per_mtok":2},"small":{"input_per_mtok":0.1,"output_per_mtok":0.2}}}`), 0o644))
	data := writeSynth(t, dir, "data.jsonl", 0, 24, mStrong, mWeak)
	test := writeSynth(t, dir, "test.jsonl", 100, 24, mStrong, mWeak)
	v := filepath.Join(dir, "v.bin")
	tv := []string{"train-verifier", "-strong", "big", "-weak", "small", "-o", v}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{append(append([]string{}, tv...), "-inner", "3", answers), "-inner applies only with -l2-grid"},
		{append(append([]string{}, tv...), "-tune", "cost95", answers), "-tune applies only with -l2-grid"},
		{append(append([]string{}, tv...), "-targets", "gain", answers), "-targets applies only with -l2-grid"},
		{append(append([]string{}, tv...), "-seed", "5", answers), "-seed applies only with -cv or -l2-grid"},
		{append(append([]string{}, tv...), "-prices", prices, answers), "-prices applies only with -cv or -tune"},
		{[]string{"eval", "-quiet", "-bits", "10", "-lambda", "1", "-test", test, "-cv", "4", data}, "-cv applies only without -test"},
		{[]string{"simulate", "-no-offline", "-price-free", "-output-tokens", "100", data}, "-output-tokens applies only with -prices"},
		{[]string{"replay", "-outcomes", data, "-confidence", "0.9"}, "-confidence applies only with -log"},
		{[]string{"replay", "-outcomes", data, "-folds", "3"}, "-folds applies only with -log"},
		{[]string{"eval", "-quiet", "-bits", "10", "-lambda", "1", "-test", test, "-cv-seed", "4", data}, "-cv-seed applies only without -test"},
	} {
		t.Run(strings.Join(tc.args[len(tc.args)-3:], " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			require.Equal(t, 2, run(tc.args, &out, &errb), "stdout: %s", out.String())
			assert.Contains(t, errb.String(), tc.want)
			assert.NoFileExists(t, v)
		})
	}
	// With what they need, they pass.
	runOK(t, append(append([]string{}, tv...), "-seed", "5", "-cv", "2", "-prices", prices, answers)...)
	runOK(t, append(append([]string{}, tv...), "-inner", "2", "-l2-grid", "1,3", "-targets", "gain", answers)...)
}

// A flag another one overrides is refused when both are given:
// train-verifier's -share beside -quality, -l2 beside -l2-grid and -target
// beside -targets. The overridden value was read and ignored without a
// word ("-share 0.2 -quality 0.95" saved the -quality cutoff).
func TestOverriddenFlagRefused(t *testing.T) {
	dir := t.TempDir()
	answers := writeSumAnswers(t, dir)
	v := filepath.Join(dir, "v.bin")
	tv := []string{"train-verifier", "-strong", "big", "-weak", "small", "-o", v, "-cv", "2"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-share", "0.2", "-quality", "0.95"}, "-share applies only without -quality"},
		{[]string{"-l2", "5", "-l2-grid", "1,10"}, "-l2 applies only without -l2-grid"},
		{[]string{"-target", "weak-fails", "-targets", "gain,weak-fails", "-l2-grid", "1,10"}, "-target applies only without -targets"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			require.Equal(t, 2, run(append(append(append([]string{}, tv...), tc.args...), answers), &out, &errb), "stdout: %s", out.String())
			assert.Contains(t, errb.String(), tc.want)
			assert.NoFileExists(t, v)
		})
	}
}

// writeSumAnswers writes answers.jsonl in dir: 20 sums, the strong model
// "big" right on each, the weak "small" right on every other one (its
// wrong answers one short), and returns its path.
func writeSumAnswers(t *testing.T, dir string) string {
	var b strings.Builder
	for i := range 20 {
		fmt.Fprintf(&b, `{"id":"q%d","prompt":"What is %d + %d?","outcomes":{"big":{"score":1,"answer":"%d"},"small":{"score":%d,"answer":"%d"}}}`+"\n", i, i, i, 2*i, i%2, 2*i+i%2-1)
	}
	answers := filepath.Join(dir, "answers.jsonl")
	require.NoError(t, os.WriteFile(answers, []byte(b.String()), 0o644))
	return answers
}
