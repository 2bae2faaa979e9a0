package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Crafted -prices files that were read wrong or refused without saying
// what is wrong: encoding/json matches keys ignoring case, so a second
// spelling of a price key replaced the first (and of "models" merged two
// tables) silently; bytes that are not UTF-8 became U+FFFD in a model's
// name; a file that is not an object, or a number out of float64's range,
// came back with encoding/json's words for Go types.
func TestPricesFileCrafted(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ name, file, want string }{
		{"price key twice in two spellings", "{\"models\":{\n\"big\":{\"input_per_mtok\":10,\"Input_Per_Mtok\":1,\"output_per_mtok\":1}}}",
			`line 2: key "Input_Per_Mtok" is a second spelling of "input_per_mtok" in models.big`},
		{"models twice in two spellings", "{\"models\":{\"big\":{\"input_per_mtok\":10,\"output_per_mtok\":1}},\n\"Models\":{}}",
			`line 2: key "Models" is a second spelling of "models" in top level`},
		{"not UTF-8", "{\"models\":{\n\"b\xffg\":{\"input_per_mtok\":10,\"output_per_mtok\":1}}}", `line 2: not UTF-8 (byte 3 of the line)`},
		{"not an object", `[1]`, `want a JSON object {"models": …}, got JSON array`},
		{"number out of range", `{"models":{"big":{"input_per_mtok":1e400,"output_per_mtok":1}}}`, `model "big": input_per_mtok: number 1e400 is out of range`},
		{"empty model name", `{"models":{"":{"input_per_mtok":1,"output_per_mtok":1}}}`, `a model with an empty name`},
		{"no models", `{"models":{}}`, `"models" is empty`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.name+".json")
			require.NoError(t, os.WriteFile(path, []byte(tt.file), 0o644))
			m, err := loadPrices(path)
			require.Error(t, err, "read as %v", m)
			assert.ErrorContains(t, err, "-prices "+path+": ")
			assert.ErrorContains(t, err, tt.want)
		})
	}
	// Model names differing in case are two models.
	path := filepath.Join(dir, "case.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"models":{"GPT":{"input_per_mtok":1,"output_per_mtok":2},"gpt":{"input_per_mtok":3,"output_per_mtok":4}}}`), 0o644))
	m, err := loadPrices(path)
	require.NoError(t, err)
	assert.Equal(t, map[string]price{"GPT": {In: 1, Out: 2}, "gpt": {In: 3, Out: 4}}, m)
}

// FuzzReadPrices feeds loadPrices arbitrary files. No input may panic; an
// error names the flag and the file; prices read are finite and ≥ 0, and
// written back as a prices file they read back the same.
//
//	go test -run '^$' -fuzz '^FuzzReadPrices$' -fuzztime 90s ./cmd/llmrouter
func FuzzReadPrices(f *testing.F) {
	b, err := os.ReadFile(filepath.Join("testdata", "arena-prices.json"))
	require.NoError(f, err)
	f.Add(b)
	f.Add([]byte("\xef\xbb\xbf{\"models\":{\"big\":{\"input_per_mtok\":10,\"output_per_mtok\":30,\"blended_per_mtok\":24.7}},\"note\":\"USD\"}"))
	f.Add([]byte(`{"models":{"a":{"input_per_mtok":0,"output_per_mtok":1e-9},"A":{"input_per_mtok":2,"output_per_mtok":3}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "p.json")
		require.NoError(t, os.WriteFile(path, data, 0o600))
		m, err := loadPrices(path)
		if err != nil {
			assert.ErrorContains(t, err, "-prices "+path+": ")
			return
		}
		for name, p := range m {
			assert.True(t, p.In >= 0 && p.Out >= 0 && !math.IsInf(p.In, 0) && !math.IsInf(p.Out, 0), "%q: %+v", name, p)
		}
		out, err := json.Marshal(map[string]map[string]price{"models": m})
		require.NoError(t, err)
		back := filepath.Join(dir, "back.json")
		require.NoError(t, os.WriteFile(back, out, 0o600))
		m2, err := loadPrices(back)
		require.NoError(t, err, "%s", out)
		assert.Equal(t, m, m2)
	})
}
