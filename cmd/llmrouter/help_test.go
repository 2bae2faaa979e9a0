package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
)

// "llmrouter help CMD" prints CMD's own usage, as "llmrouter CMD -h" does
// (it used to print the command list, ignoring CMD); an unknown CMD is an
// error naming it.
func TestHelpCommand(t *testing.T) {
	var out, errb bytes.Buffer
	assert.Equal(t, 0, run([]string{"help", "train"}, &out, &errb))
	assert.Contains(t, out.String(), "usage: llmrouter train")
	assert.Contains(t, out.String(), "-lambda")

	out.Reset()
	errb.Reset()
	assert.Equal(t, 2, run([]string{"help", "nope"}, &out, &errb))
	assert.Contains(t, errb.String(), `unknown command "nope"`)
}
