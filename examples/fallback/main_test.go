package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"answered by mini after 2 attempt(s)",
		"mini  failed [rate_limit] → retry in 500µs",
		"mini  failed [rate_limit] → next model: retry in 20ms exceeds the 5ms limit",
		"mini  retry 2: failed [provider_unavailable] → next model: 2 retries spent",
		"mini  rejected: refusal (\"i'm sorry, but i can't\") → escalate",
		"answered by large after 4 attempt(s)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
