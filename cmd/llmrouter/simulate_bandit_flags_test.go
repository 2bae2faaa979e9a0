package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
)

// simulate's bandit flags are checked, each named by its flag, before any
// data is read, as README.md says of every number flag: they were passed
// to bandit.New only after the data was read (and, without -no-offline,
// the offline classifiers trained), and a bad one came back named by its
// Options field ("bandit: Options.Noise is NaN"). The data file here does
// not exist, so an error about it means the flag was not checked first.
func TestSimulateBanditFlagsCheckedFirst(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.jsonl")
	tests := []struct {
		flag, value string
		want        string
	}{
		{"bandit-noise", "NaN", "-bandit-noise NaN: want a finite number"},
		{"ridge", "Inf", "-ridge +Inf: want a finite number"},
		{"explore-share", "2", "-explore-share 2 is above 1"},
		{"explore-share", "NaN", "-explore-share NaN: want a finite number"},
		{"explore-cost", "-Inf", "-explore-cost -Inf: want a finite number"},
		{"explore-regret", "NaN", "-explore-regret NaN: want a finite number"},
		{"explore-decay", "NaN", "-explore-decay NaN: want a finite number"},
		{"explore-away", "NaN", "-explore-away NaN: want a finite number"},
		{"explore-chance", "-1", "-explore-chance -1 is outside [0, 1]"},
		{"depart-chance", "1.5", "-depart-chance 1.5 is above 1"},
		{"pool", "-1", "-pool -1 is negative"},
		{"pool", "2", "-pool 2 is above 1"},
	}
	for _, tt := range tests {
		t.Run(tt.flag+" "+tt.value, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run([]string{"simulate", "-price-free", "-" + tt.flag, tt.value, missing}, &out, &errb)
			assert.Equal(t, 1, code)
			assert.Contains(t, errb.String(), tt.want)
			assert.NotContains(t, errb.String(), "missing.jsonl", "the flag is checked before the data is opened")
			assert.NotContains(t, errb.String(), "Options.", "named by its flag, not the bandit's field")
			assert.Empty(t, out.String())
		})
	}
}
