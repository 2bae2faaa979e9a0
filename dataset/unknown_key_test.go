package dataset_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An outcome's keys are a closed set (score, cost, latency_ms, answer,
// output_chars): any other is an error naming it and the line, since it is
// most likely a misspelling whose value was lost ("cots" read as an unknown
// cost). Two spellings of one key that encoding/json folds together
// ("score" and "Score") are a duplicate: it kept the last silently. A
// record's own top-level keys stay open (metadata is allowed), but two
// spellings of one of its known keys are a duplicate too.
func TestUnknownOrFoldedKey(t *testing.T) {
	for _, tc := range []struct {
		name, line  string
		kind        error
		field, text string
	}{
		{"misspelt cost", `{"id":"a","prompt":"p","outcomes":{"m":{"score":1,"cots":0.1}}}`,
			dataset.ErrSyntax, "outcomes.m.cots", `unknown key "cots" in an outcome (known: score, cost, latency_ms, answer, output_chars)`},
		{"nested unknown", `{"id":"a","prompt":"p","outcomes":{"m":{"score":1,"meta":{"cost":1}}}}`,
			dataset.ErrSyntax, "outcomes.m.meta", `unknown key "meta"`},
		{"escaped unknown", `{"id":"a","prompt":"p","outcomes":{"m":{"score":1,"c\u006fts":0.1}}}`,
			dataset.ErrSyntax, "outcomes.m.cots", `unknown key "cots"`},
		{"score folded", `{"id":"a","prompt":"p","outcomes":{"m":{"score":1,"Score":0}}}`,
			dataset.ErrDuplicate, "outcomes.m.Score", `key "Score" is a second spelling of "score"`},
		{"prompt folded", `{"id":"a","prompt":"p","PROMPT":"q","outcomes":{"m":{"score":1}}}`,
			dataset.ErrDuplicate, "PROMPT", `key "PROMPT" is a second spelling of "prompt"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := dataset.Read(strings.NewReader(tc.line + "\n"))
			require.ErrorIs(t, err, tc.kind)
			var errs *dataset.Errors
			require.True(t, errors.As(err, &errs), "%v", err)
			require.Len(t, errs.Errs, 1)
			assert.Equal(t, 1, errs.Errs[0].Line)
			assert.Equal(t, "a", errs.Errs[0].ID)
			assert.Equal(t, tc.field, errs.Errs[0].Field)
			assert.ErrorContains(t, err, tc.text)
		})
	}

	// Allowed: every known outcome key, a known key in another case alone
	// (encoding/json's rule), and top-level metadata.
	ds, err := dataset.Read(strings.NewReader(
		`{"id":"a","prompt":"p","source":"x","meta":{"score":2},"outcomes":{"m":{"score":1,"cost":0.5,"latency_ms":3,"answer":"{\"cots\":1}","output_chars":9}}}` + "\n" +
			`{"id":"b","Prompt":"q","outcomes":{"m":{"Score":0.5}}}` + "\n"))
	require.NoError(t, err)
	require.Len(t, ds.Records, 2)
	assert.Equal(t, 0.5, *ds.Records[0].Outcomes["m"].Cost)
	assert.Equal(t, "q", ds.Records[1].Prompt)
	assert.Equal(t, 0.5, ds.Records[1].Outcomes["m"].Score)
}
