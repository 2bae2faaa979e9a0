package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A bad flag's error is printed once, on stderr, with a pointer to -h; the
// flag package used to print it (and the usage) on stdout, then run again
// on stderr.
func TestBadFlagErrorOnce(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"models", "-x"}, "flag provided but not defined: -x"},
		{[]string{"demo", "-x"}, "flag provided but not defined: -x"},
		{[]string{"replay", "-x"}, "flag provided but not defined: -x"},
		{[]string{"train", "-bits", "abc"}, `invalid value "abc" for flag -bits`},
		{[]string{"eval", "data.jsonl", "-nosuch"}, "flag provided but not defined: -nosuch"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			assert.Equal(t, 2, run(tc.args, &out, &errb))
			assert.Equal(t, 1, strings.Count(out.String()+errb.String(), tc.want), "stdout: %q\nstderr: %q", out.String(), errb.String())
			assert.Contains(t, errb.String(), tc.want)
			assert.Contains(t, errb.String(), "llmrouter "+tc.args[0]+" -h")
		})
	}
	// -h still prints the usage on stdout and succeeds.
	var out, errb bytes.Buffer
	assert.Equal(t, 0, run([]string{"models", "-h"}, &out, &errb))
	assert.Contains(t, out.String(), "-sources")
	assert.Empty(t, errb.String())
}
