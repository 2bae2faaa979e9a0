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
	got := out.String()
	for _, want := range []string{
		"alice (free): → large, $0.001575\n",
		"alice (free): → small, $0.000323; large removed: over budget: user=*/day has $0.001275 left of $0.006000, resets 2025-06-02T00:00:00Z",
		"alice (free): refused: user=alice/day is spent; resets 2025-06-02T00:00:00Z",
		"bob (pro): → large",
		"next day:\n  alice (free): → large",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "alice (free): → large"); n != 4 {
		t.Errorf("alice's requests went to large %d times, want 3 in the morning and 1 the next day:\n%s", n, got)
	}
}
