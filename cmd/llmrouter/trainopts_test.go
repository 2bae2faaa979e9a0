package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
)

// train and eval check every option train.Options.Check refuses before
// opening a data file (here one that does not exist), the error naming
// the flag. eval found a repeated or empty -models name, a single
// -models with -difficulty, or a -reference outside -models only in
// cross-validation's first fold ("fold 1: train: empty or repeated model"),
// after reading every file; train named no flag.
func TestTrainOptionFlagsCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.jsonl")
	out := filepath.Join(dir, "m.bin")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"repeated model", []string{"-models", "big,big"}, `-models: repeated model "big"`},
		{"empty model", []string{"-models", "big,"}, "-models: empty model name"},
		{"one model tuned", []string{"-models", "big"}, "-models: tuning needs at least two models"},
		{"difficulty one model", []string{"-models", "big", "-lambda", "1", "-idf", "on", "-difficulty"}, "-difficulty: a difficulty head needs at least two models"},
		{"difficulty-only one model", []string{"-models", "big", "-lambda", "1", "-idf", "on", "-difficulty-only"}, "-difficulty-only: a difficulty head needs at least two models"},
		{"reference outside models", []string{"-models", "big,small", "-reference", "huge"}, `-reference: reference model "huge" is not among the models [big small]`},
		{"weights", []string{"-bits", "24", "-models", "a,b,c,d,e"}, "-models: 5 outputs × 2^24 weights exceed MaxWeights"},
		{"lambda", []string{"-lambda", "1,0"}, "-lambda 0: want positive numbers"},
		{"dense", []string{"-dense", "-1"}, "-dense -1: want numbers ≥ 0"},
		{"bits", []string{"-bits", "2"}, "-bits 2: want"},
		// train.Options reads HashBits 0 as its default: -bits 0 trained
		// an 18-bit model without a word.
		{"bits 0", []string{"-bits", "0"}, "-bits 0: want 8 to 24"},
	} {
		for _, cmd := range [][]string{{"train", "-quiet", "-o", out}, {"eval", "-quiet"}} {
			t.Run(cmd[0]+" "+tc.name, func(t *testing.T) {
				var stdout, errb bytes.Buffer
				args := append(append(append([]string{}, cmd...), tc.args...), missing)
				assert.Equal(t, 1, run(args, &stdout, &errb))
				assert.Contains(t, errb.String(), "llmrouter "+cmd[0]+": "+tc.want)
				assert.NotContains(t, errb.String(), "fold")
				assert.NoFileExists(t, out)
			})
		}
	}
}
