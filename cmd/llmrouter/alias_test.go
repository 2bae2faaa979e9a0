package main

import (
	"bytes"
	"io"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// captureWarnings sends warnings to a buffer for the test's duration.
func captureWarnings(t *testing.T) *bytes.Buffer {
	var buf bytes.Buffer
	old := warnOutput
	warnOutput = func() io.Writer { return &buf }
	t.Cleanup(func() { warnOutput = old })
	return &buf
}

func TestAliasFlag(t *testing.T) {
	tests := []struct {
		name string
		sets []string
		want string // String() after the sets, or the error
		err  bool
	}{
		{"one pair", []string{"a=b"}, "a=b", false},
		{"comma-separated and repeated", []string{"a=b,c=d", " e = f "}, "a=b,c=d,e=f", false},
		{"same pair twice", []string{"a=b", "a=b"}, "a=b", false},
		{"no =", []string{"ab"}, `"ab": want from=to`, true},
		{"empty side", []string{"a="}, `"a=": want from=to`, true},
		{"to itself", []string{"a=a"}, "renames a model to itself", true},
		{"renamed twice", []string{"a=b", "a=c"}, "a is already renamed to b", true},
		{"chained", []string{"a=b,b=c"}, "b is itself renamed", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := aliases{}
			var err error
			for _, s := range tt.sets {
				if err = a.Set(s); err != nil {
					break
				}
			}
			if tt.err {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.want)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, a.String())
		})
	}
}

// One model spelled two ways in the training and the test files: warned
// about (files and models named) unless -alias joins the spellings.
func TestModelSetWarning(t *testing.T) {
	const chat = "acme/weak-7b-chat"
	dir := t.TempDir()
	train := writeSynth(t, dir, "train.jsonl", 0, 48, mStrong, mWeak)
	test := writeSynth(t, dir, "test.jsonl", 1000, 24, mStrong, chat)
	more := writeSynth(t, dir, "more.jsonl", 500, 24, mStrong, mWeak) // other ids, the same models
	model := filepath.Join(dir, "model.bin")

	tests := []struct {
		name string
		args []string
		want []string // in the warning; none = no warning
		fail bool     // the command fails after warning
	}{
		{"eval -test", append(append([]string{"eval"}, fastTrain...), "-strong", mStrong, "-weak", chat, "-test", test, train),
			[]string{"test " + test + ": " + chat, "training " + train + ": " + mWeak, "-alias from=to"}, true},
		{"eval -cv over both files", append(append([]string{"eval"}, fastTrain...), "-strong", mStrong, "-weak", mWeak, "-cv", "3", train, test),
			[]string{train + ": " + mWeak, test + ": " + chat}, false},
		{"train", append(append([]string{"train"}, fastTrain...), "-o", model, train, test),
			[]string{train + ": " + mWeak, test + ": " + chat}, false},
		{"eval -test with -alias", append(append([]string{"eval"}, fastTrain...), "-alias", chat+"="+mWeak, "-test", test, train), nil, false},
		{"train with -alias", append(append([]string{"train"}, fastTrain...), "-alias", chat+"="+mWeak, "-o", model, train, test), nil, false},
		{"same models", append(append([]string{"train"}, fastTrain...), "-o", model, train, more), nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			warn := captureWarnings(t)
			var out string
			if tt.fail {
				// The second spelling is a model the trained classifier never saw.
				var stdout, stderr bytes.Buffer
				require.Equal(t, 1, run(tt.args, &stdout, &stderr))
				assert.Contains(t, stderr.String(), "the model predicts [acme/strong-xl acme/weak-7b], not")
				out = stdout.String()
			} else {
				out = runOK(t, tt.args...)
			}
			if tt.want == nil {
				assert.Empty(t, warn.String())
				return
			}
			assert.Contains(t, warn.String(), "the data files name different models")
			for _, w := range tt.want {
				assert.Contains(t, warn.String(), w)
			}
			assert.NotContains(t, out, "different models", "warnings go to stderr, not the report")
		})
	}
	// With the alias the two spellings are one model: the eval compares it.
	captureWarnings(t)
	out := runOK(t, append(append([]string{"eval"}, fastTrain...), "-alias", chat+"="+mWeak, "-test", test, train)...)
	assert.Contains(t, out, "acme/strong-xl vs acme/weak-7b on 24 prompts")
}
