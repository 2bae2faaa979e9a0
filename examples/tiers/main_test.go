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
		"alice (free tier)",
		"→ medium: no model reaches the threshold",
		`large removed: not allowed on tier "free"`,
		"bob (pro tier)",
		"→ large: cheapest model with predicted quality at or above the threshold",
		"carol (no tier)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
