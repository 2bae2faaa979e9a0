package config_test

import (
	"runtime"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A file nested thousands of brackets deep, with a syntax error or past
// yaml/v3's depth limit, fails fast with little memory: locating the
// error by parsing again (syntaxError) cost memory quadratic in the depth
// (1.6 GB for a 64 KB file 32,000 deep; 15 GB and 28 s at 100,000 deep).
func TestDeepNestingFailsFast(t *testing.T) {
	const depth = 20000
	for name, src := range map[string]string{
		"syntax error inside":       "models: " + strings.Repeat("[", depth) + "a: b: c" + strings.Repeat("]", depth),
		"past the depth limit":      "models: " + strings.Repeat("{a: ", depth) + "1" + strings.Repeat("}", depth),
		"block sequences on a line": "models:\n" + strings.Repeat("- ", depth) + "a: b: c\n",
		"behind quoted closers":     "note: \"" + strings.Repeat("]", depth) + "\"\nmodels: " + strings.Repeat("[", depth) + "a: b: c" + strings.Repeat("]", depth),
	} {
		t.Run(name, func(t *testing.T) {
			var err error
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err = config.Parse("deep.yaml", []byte(src))
			runtime.ReadMemStats(&after)
			require.ErrorContains(t, err, "deep.yaml")
			assert.ErrorContains(t, err, "not valid YAML")
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<20), "bytes allocated for a %d-byte file", len(src))
		})
	}
}
