package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
)

// replay checks -confidence and -folds before it reads anything, naming
// the flag: a bad level used to pass silently with -outcomes alone and to
// fail only after the whole log was read with -log.
func TestReplayBadFlagValues(t *testing.T) {
	dir := t.TempDir()
	good := writeSynth(t, dir, "good.jsonl", 0, 30, mStrong, mWeak)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"confidence above 1", []string{"-outcomes", good, "-confidence", "2"}, "-confidence 2"},
		{"confidence NaN", []string{"-outcomes", good, "-confidence", "NaN"}, "-confidence NaN"},
		{"confidence 0", []string{"-log", dir, "-cards", good, "-confidence", "0"}, "-confidence 0"},
		{"folds 0", []string{"-log", dir, "-cards", good, "-folds", "0"}, "-folds 0"},
		{"folds negative", []string{"-log", dir, "-cards", good, "-folds", "-1"}, "-folds -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			assert.Equal(t, 1, run(append([]string{"replay"}, tt.args...), &out, &errb))
			assert.Contains(t, errb.String(), tt.want)
			assert.Empty(t, out.String(), "nothing is read or printed before the check")
		})
	}
}

// replay checks -policy before it reads anything (its TAU and CUTOFF are
// numbers), and a missing -outcomes/-log fails with the error alone: the
// policy was parsed only after -outcomes was read, so a bad spec failed
// with the data's error (here: the missing file) or after the whole file,
// and the usage was printed on stdout above the error.
func TestReplayPolicyCheckedFirst(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.jsonl")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"tau above 1", []string{"-outcomes", missing, "-policy", "cheapest:2"}, `-policy "cheapest:2": cheapest:TAU needs TAU in (0,1]`},
		{"cutoff NaN", []string{"-outcomes", missing, "-policy", "threshold:a,b,NaN"}, `-policy "threshold:a,b,NaN": cutoff NaN: want a finite number`},
		{"cutoff Inf", []string{"-outcomes", missing, "-policy", "threshold:a,b,+Inf"}, `cutoff +Inf: want a finite number`},
		{"cutoff not a number", []string{"-outcomes", missing, "-policy", "threshold:a,b,x"}, `-policy "threshold:a,b,x": cutoff`},
		{"unknown kind", []string{"-outcomes", missing, "-policy", "bogus"}, `-policy "bogus": want cheapest:TAU or threshold:STRONG,WEAK,CUTOFF`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			assert.Equal(t, 1, run(append([]string{"replay"}, tt.args...), &out, &errb))
			assert.Contains(t, errb.String(), tt.want)
			assert.NotContains(t, errb.String(), "missing.jsonl", "the policy is checked before the data is opened")
			assert.Empty(t, out.String(), "an error prints nothing on stdout")
		})
	}
}
