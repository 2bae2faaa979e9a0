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
		`50 requests from 8 goroutines`,
		`(?m)^large\s+13\s+13\s+0\s`,
		`(?m)^medium\s+7\s+10\s+3\s`,
		`(?m)^small\s+30\s+30\s+0\s`,
		`(?m)^total\s+50\s+0\.047075$`,
		`50 requests, 0 without an answer`,
	} {
		if !regexp.MustCompile(want).Match(out.Bytes()) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
