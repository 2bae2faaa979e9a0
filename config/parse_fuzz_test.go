package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzParse feeds Parse arbitrary files, as a hostile user or a corrupted
// disk would. No input may panic; a file Parse refuses yields Errors,
// each naming the file, its line (but for a file that is empty or too
// large) and its field (but for a problem of the document as a whole); a
// file it accepts declares a model.
//
//	go test -run '^$' -fuzz '^FuzzParse$' -fuzztime 90s ./config
func FuzzParse(f *testing.F) {
	for _, name := range []string{"router.yaml", "demo.yaml"} {
		b, err := os.ReadFile(filepath.Join("..", "examples", "config", name))
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte(good))
	f.Add([]byte(good + budgetsSection))
	for _, tt := range brokenFiles[:8] {
		f.Add([]byte(tt.src))
	}
	f.Add([]byte("a: &x [1]\nb: *x\n"))
	f.Add([]byte("---\n---\nmodels: []\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := config.Parse("f.yaml", data)
		if err == nil {
			require.NotEmpty(t, file.Models)
			return
		}
		var errs config.Errors
		require.True(t, errors.As(err, &errs), "%T %v", err, err)
		require.NotEmpty(t, errs)
		for _, e := range errs {
			assert.Equal(t, "f.yaml", e.File)
			whole := strings.HasPrefix(e.Msg, "empty") || strings.HasPrefix(e.Msg, "not valid YAML")
			if !strings.HasPrefix(e.Msg, "empty") && !strings.HasPrefix(e.Msg, "larger than") {
				assert.Positive(t, e.Line, "%v", e)
			}
			// Problems of the document itself have no field: a second
			// document, one that is not a mapping, a top-level key that
			// is empty or not a name.
			top := strings.HasPrefix(e.Msg, "a second YAML document") || strings.HasPrefix(e.Msg, "want a mapping") ||
				strings.HasPrefix(e.Msg, "an empty field name") || strings.HasPrefix(e.Msg, "want a field name as key")
			if !whole && !top {
				assert.NotEmpty(t, e.Field, "%v", e)
			}
		}
	})
}
