package decisionlog

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goldenDecisionLine is a decision record as Log writes it, holding the
// root package's golden decision (id d-golden, answered by "cheap").
func goldenDecisionLine(t testing.TB) string {
	g, err := os.ReadFile(filepath.Join("..", "testdata", "decision.golden.json"))
	require.NoError(t, err)
	var c bytes.Buffer
	require.NoError(t, json.Compact(&c, g))
	return `{"v":1,"kind":"decision","prompt_text":"full","decision":` + c.String() + `}`
}

var whereRE = regexp.MustCompile(`a\.jsonl:[0-9]+: `)

// FuzzScanExport feeds a log file of arbitrary bytes, as a corrupted disk
// or a hand-edited log would hold, to Scan and to both exports. No input
// may panic; an error names the file and line; every entry has its file,
// line and a decision id; and what an export writes reads back with
// dataset.Read as valid records, one per row it counts.
//
//	go test -run '^$' -fuzz '^FuzzScanExport$' -fuzztime 90s ./decisionlog
func FuzzScanExport(f *testing.F) {
	dec := goldenDecisionLine(f)
	fb := strings.Replace(fbLine, `"d1"`, `"d-golden"`, 1)
	ans := strings.Replace(strings.Replace(ansLine, `"d1"`, `"d-golden"`, 1), `"model":"m"`, `"model":"cheap"`, 1)
	f.Add([]byte(dec + "\n" + ans + "\n" + fb + "\n"))
	f.Add([]byte(fb + "\n" + dec + "\n" + dec[:100]))
	f.Add([]byte(fbLine + "\n" + ansLine + "\n" + `{"v":1,"kind":"judge","id":"d1"}` + "\n"))
	f.Add([]byte("\n\n" + fbLine))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "a.jsonl"), data, 0o600))
		st, err := Scan(dir, func(e *Entry) error {
			assert.Equal(t, "a.jsonl", e.File)
			assert.Positive(t, e.Line)
			assert.NotEmpty(t, e.ID)
			if e.Kind == KindDecision {
				require.NotNil(t, e.Decision)
				assert.Equal(t, e.ID, e.Decision.ID)
			}
			return nil
		})
		if err != nil {
			assert.Regexp(t, whereRE, err.Error())
			return
		}
		assert.LessOrEqual(t, st.Torn, 1)
		for _, exp := range []func(string, *bytes.Buffer) (ExportStats, error){
			func(d string, w *bytes.Buffer) (ExportStats, error) { return ExportOutcomes(d, w) },
			func(d string, w *bytes.Buffer) (ExportStats, error) { return ExportVerifier(d, w) },
		} {
			var out bytes.Buffer
			est, err := exp(dir, &out)
			if err != nil {
				assert.Regexp(t, whereRE, err.Error())
				continue
			}
			ds, err := dataset.Read(&out)
			require.NoError(t, err, "an export must read back:\n%s", out.String())
			assert.Equal(t, est.Rows, ds.Len())
		}
	})
}
