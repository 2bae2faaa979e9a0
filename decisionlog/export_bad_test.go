package decisionlog

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A logged decision whose answering attempt's cost or latency no outcomes
// file may hold (a corrupted or hand-edited log) fails the export with an
// error naming the log file and line of the decision, and the field;
// before, the error named neither file nor line.
func TestExportBadValuesNamed(t *testing.T) {
	dec := goldenDecisionLine(t)
	const cost = `"cost_usd":0.0000024000000000000003`
	require.Contains(t, dec, cost)
	fb := strings.Replace(fbLine, `"d1"`, `"d-golden"`, 1)
	for _, tt := range []struct{ name, old, new, field string }{
		{"null cost", cost, `"cost_usd":null`, "outcomes.cheap.cost"},
		{"negative cost", cost, `"cost_usd":-1`, "outcomes.cheap.cost"},
		{"huge cost", cost, `"cost_usd":1e300`, "outcomes.cheap.cost"},
		{"negative latency", `"latency_ms":250`, `"latency_ms":-250`, "outcomes.cheap.latency_ms"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			log := fb + "\n" + strings.Replace(dec, tt.old, tt.new, 1) + "\n"
			require.NoError(t, os.WriteFile(filepath.Join(dir, "a.jsonl"), []byte(log), 0o600))
			var out bytes.Buffer
			_, err := ExportOutcomes(dir, &out)
			require.Error(t, err)
			assert.ErrorContains(t, err, "a.jsonl:2: ")
			assert.ErrorContains(t, err, tt.field)
			assert.ErrorIs(t, err, dataset.ErrRange)
		})
	}
}
