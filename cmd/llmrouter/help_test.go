package main

import (
	"bytes"
	"fmt"
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

// Every command's -h starts with a usage line naming the command and its
// arguments, as the command list does: explain, demo, models and validate
// printed the flag package's "Usage of explain:", which does not say that
// explain wants a prompt or validate a file.
func TestEveryCommandUsageLine(t *testing.T) {
	for name := range commands {
		t.Run(name, func(t *testing.T) {
			var out, errb bytes.Buffer
			assert.Equal(t, 0, run([]string{"help", name}, &out, &errb), errb.String())
			assert.Regexp(t, `^usage: llmrouter `+name+`( |\n)`, out.String())
		})
	}
	var out, errb bytes.Buffer
	assert.Equal(t, 0, run([]string{"explain", "-h"}, &out, &errb))
	assert.Contains(t, out.String(), `"prompt"`)
	out.Reset()
	assert.Equal(t, 0, run([]string{"validate", "-h"}, &out, &errb))
	assert.Contains(t, out.String(), "FILE")
}

// The demo's usage and summary name how many prompts it routes, as it
// routes them: they said "a dozen" for 13.
func TestDemoUsageCountsItsPrompts(t *testing.T) {
	want := fmt.Sprintf("routes %d example prompts", len(demoPrompts()))
	var out, errb bytes.Buffer
	assert.Equal(t, 0, run([]string{"demo", "-h"}, &out, &errb))
	assert.Contains(t, out.String(), want)
	out.Reset()
	assert.Equal(t, 0, run([]string{"help"}, &out, &errb))
	assert.Contains(t, out.String(), fmt.Sprintf("route %d example prompts", len(demoPrompts())))
}

// "llmrouter help" takes at most one command: "help train extra" printed
// the command list and exited 0, the arguments silently ignored.
func TestHelpTooManyArguments(t *testing.T) {
	var out, errb bytes.Buffer
	assert.Equal(t, 2, run([]string{"help", "train", "extra"}, &out, &errb))
	assert.Empty(t, out.String())
	assert.Contains(t, errb.String(), `llmrouter help: want at most one command, got 2 ("train extra")`)
}
