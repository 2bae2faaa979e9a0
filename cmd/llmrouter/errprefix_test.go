package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// An error prints once, as "llmrouter CMD: what: why": the library's own
// "llmrouter: " and a repeat of the command's name are not printed again
// ("llmrouter train: llmrouter: train: reference model ..." used to be
// printed).
func TestErrorPrefixNotDoubled(t *testing.T) {
	dir := t.TempDir()
	good := writeSynth(t, dir, "good.jsonl", 0, 30, mStrong, mWeak)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"train: unknown model", []string{"train", "-quiet", "-models", "nosuch," + mStrong, "-o", filepath.Join(dir, "m.bin"), good}, `llmrouter train: no record has an outcome for model "nosuch"`},
		{"train: unknown reference", []string{"train", "-quiet", "-reference", "nosuch", "-o", filepath.Join(dir, "m.bin"), good}, `llmrouter train: reference model "nosuch"`},
		{"eval: unknown reference", []string{"eval", "-quiet", "-reference", "nosuch", good}, `llmrouter eval: fold 1: train: reference model "nosuch"`},
		{"explain: empty prompt", []string{"explain", ""}, "llmrouter explain: no messages"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			assert.Equal(t, 1, run(tt.args, &out, &errb))
			msg := errb.String()
			assert.Contains(t, msg, tt.want)
			assert.Equal(t, 1, strings.Count(msg, "llmrouter"), "one prefix: %s", msg)
			assert.Equal(t, 1, strings.Count(msg, tt.args[0]+": "), "the command named once: %s", msg)
		})
	}
}

// A directory given as data is named as one, by every command, before any
// reading ("reading dataset after line 0: read DIR: is a directory").
func TestDirectoryAsData(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"train", "-quiet", "-o", filepath.Join(dir, "m.bin"), dir},
		{"eval", "-quiet", dir},
		{"simulate", "-price-free", "-no-offline", dir},
	} {
		t.Run(args[0], func(t *testing.T) {
			var out, errb bytes.Buffer
			assert.Equal(t, 1, run(args, &out, &errb))
			assert.Contains(t, errb.String(), dir+": a directory, not an outcomes file")
			assert.NotContains(t, errb.String(), "line 0")
		})
	}
}
