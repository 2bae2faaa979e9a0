package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./cmd/llmrouter -update to create it")
	assert.Equal(t, string(want), string(got))
}

func TestDemoGolden(t *testing.T) {
	var out, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"demo"}, &out, &errb), errb.String())
	golden(t, "demo.golden", out.Bytes())

	s := out.String()
	// The choices the demo exists to show.
	for _, want := range []string{
		"── 1. a greeting ──", "chosen:     llama-3.1-8b",
		"removed: lacks vision", "removed: context window 8192 <", "removed: lacks tools",
		`removed: not allowed on tier "free"`, "removed: estimated cost",
	} {
		assert.Contains(t, s, want)
	}
}

func TestExplain(t *testing.T) {
	var out, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"explain", "-tier", "free", "Prove that sqrt(2) is irrational and explain each step."}, &out, &errb), errb.String())
	golden(t, "explain.golden", out.Bytes())
	assert.Contains(t, out.String(), `not allowed on tier "free"`)
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{nil, 0, "usage: llmrouter"},
		{[]string{"nope"}, 2, `unknown command "nope"`},
		{[]string{"explain"}, 2, "want exactly one prompt"},
		{[]string{"explain", ""}, 1, "no messages"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			assert.Equal(t, tt.code, run(tt.args, &out, &errb))
			assert.Contains(t, out.String()+errb.String(), tt.want)
		})
	}
}
