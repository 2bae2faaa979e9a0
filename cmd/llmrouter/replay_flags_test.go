package main

import (
	"bytes"
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
