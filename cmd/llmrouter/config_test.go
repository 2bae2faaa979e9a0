package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfigCommands(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("models:\n  - name: a\n    provider: openai\n    api_key_env: sk-proj-abcDEF123ghiJKL456mno\n    price_in: -1\n"), 0o644))
	example := filepath.Join("..", "..", "examples", "config", "router.yaml")
	demo := filepath.Join("..", "..", "examples", "config", "demo.yaml")
	tests := []struct {
		name      string
		args      []string
		code      int
		out, errs []string
		notOut    []string
	}{
		{name: "validate a good file", args: []string{"validate", example}, code: 0,
			out: []string{"router.yaml: ok, 3 models", "gpt-4o-mini", "$0.150/$0.600 (cached $0.075)"}},
		{name: "validate reports every error with line and field", args: []string{"validate", bad}, code: 1,
			errs: []string{"bad.yaml:4: models[0].api_key_env: looks like an API key itself", "bad.yaml:5: models[0].price_in: must be >= 0"}},
		{name: "validate -env wants the keys", args: []string{"validate", "-env", example}, code: 1,
			errs: []string{"router.yaml:8: models[0].api_key_env: environment variable OPENAI_API_KEY is not set"}},
		{name: "explain with a config", args: []string{"explain", "-config", example, "-tier", "free", "What is the capital of Australia?"}, code: 0,
			out: []string{"tier \"free\"", "removed: not allowed on tier \"free\"", "chosen:     mini"}, notOut: []string{"3. big"}},
		{name: "demo from a config", args: []string{"demo", "-config", demo}, code: 0,
			out: []string{"the models of", "summary: 13 requests"}},
		{name: "models prints the catalog", args: []string{"models", "-sources"}, code: 0,
			out: []string{"model catalog as of", "gpt-4o-mini", "claude-3-5-haiku-20241022", "source: https://"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("OPENAI_API_KEY", "")
			t.Setenv("ANTHROPIC_API_KEY", "")
			var out, errb bytes.Buffer
			code := run(tt.args, &out, &errb)
			assert.Equal(t, tt.code, code, "stdout:\n%s\nstderr:\n%s", out.String(), errb.String())
			for _, w := range tt.out {
				assert.Contains(t, out.String(), w)
			}
			for _, w := range tt.notOut {
				assert.NotContains(t, out.String(), w)
			}
			for _, w := range tt.errs {
				assert.Contains(t, errb.String(), w)
			}
		})
	}
}
