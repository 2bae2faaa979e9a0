package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// failWriter fails every write, as stdout on a full disk or a closed pipe.
type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	w.n++
	return 0, errors.New("no space left on device")
}

// TestStdoutWriteFails: a command whose output to stdout cannot be written
// fails (exit 1, the write error on stderr) rather than exiting 0 with the
// output lost.
func TestStdoutWriteFails(t *testing.T) {
	tests := [][]string{
		{"demo"},
		{"explain", "What is the capital of Australia?"},
		{"models"},
		{"help"},
		{"help", "train"},
		{"train", "-h"},
	}
	for _, args := range tests {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var w failWriter
			var errb bytes.Buffer
			code := run(args, &w, &errb)
			assert.Positive(t, w.n, "the command wrote nothing")
			assert.Equal(t, 1, code, errb.String())
			assert.Contains(t, errb.String(), "no space left on device")
			assert.Contains(t, errb.String(), "stdout")
		})
	}
}
