package main

import (
	"bytes"
	"regexp"
	"testing"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`trained on 36 rows`,
		`saved and reloaded router\.bin`,
		`capital of Italy\?\s+→ small`,
		`merges two sorted slices\.\s+→ coder`,
		`square root of 3 is irrational\.\s+→ large`,
	} {
		if !regexp.MustCompile(want).Match(out.Bytes()) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
