package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A -prices file is checked, by simulate and train-verifier alike: a
// negative price, a model without input_per_mtok or output_per_mtok (a
// misspelt key), a model named twice, a file without "models" fail naming
// the file and the model (and the line, for a syntax error or a repeat).
// Each used to be taken silently: the price as 0, or negative, or the
// last of two, so the printed costs were wrong. Found feeding such files
// to train-verifier -cv -prices.
func TestPricesFileChecked(t *testing.T) {
	dir := t.TempDir()
	answers := filepath.Join(dir, "answers.jsonl")
	require.NoError(t, os.WriteFile(answers, []byte(`{"id":"a","prompt":"2+2?","outcomes":{"big":{"score":1,"answer":"4"},"small":{"score":1,"answer":"4"}}}
{"id":"b","prompt":"3+3?","outcomes":{"big":{"score":1,"answer":"6"},"small":{"score":0,"answer":"7"}}}
`), 0o644))
	nocost := filepath.Join(dir, "nocost.jsonl")
	require.NoError(t, os.WriteFile(nocost, []byte(`{"id":"a","prompt":"2+2?","outcomes":{"big":{"score":1},"small":{"score":1}}}
{"id":"b","prompt":"3+3?","outcomes":{"big":{"score":1},"small":{"score":0}}}
`), 0o644))
	for _, tc := range []struct {
		name, file, want string
	}{
		{"negative", `{"models":{"big":{"input_per_mtok":-10,"output_per_mtok":30},"small":{"input_per_mtok":1,"output_per_mtok":1}}}`,
			`model "big": input_per_mtok -10: want a price ≥ 0`},
		{"misspelt", `{"models":{"big":{"input_per_mtoken":10,"output_per_mtok":30},"small":{"input_per_mtok":1,"output_per_mtok":1}}}`,
			`model "big": no input_per_mtok`},
		{"output missing", `{"models":{"big":{"input_per_mtok":10},"small":{"input_per_mtok":1,"output_per_mtok":1}}}`,
			`model "big": no output_per_mtok`},
		{"repeated", "{\"models\":{\n\"big\":{\"input_per_mtok\":10,\"output_per_mtok\":30},\n\"big\":{\"input_per_mtok\":1,\"output_per_mtok\":1},\"small\":{\"input_per_mtok\":1,\"output_per_mtok\":1}}}",
			`line 3: key "big" appears twice in models`},
		{"no models", `{"model":{"big":{"input_per_mtok":10,"output_per_mtok":30}}}`, `no "models" object`},
		{"syntax", "{\"models\":{\n\"big\":{\"input_per_mtok\":10,}}}", `line 2`},
		{"not an object", `{"models":{"big":10}}`, `models.big`},
	} {
		path := filepath.Join(dir, tc.name+".json")
		require.NoError(t, os.WriteFile(path, []byte(tc.file), 0o644))
		for _, args := range [][]string{
			{"simulate", "-no-offline", "-prices", path, nocost},
			{"train-verifier", "-strong", "big", "-weak", "small", "-cv", "2", "-prices", path, answers},
		} {
			t.Run(args[0]+" "+tc.name, func(t *testing.T) {
				var out, errb bytes.Buffer
				assert.Equal(t, 1, run(args, &out, &errb))
				assert.Contains(t, errb.String(), "-prices "+path+": ")
				assert.Contains(t, errb.String(), tc.want)
			})
		}
	}
	// The shared data's prices file (with a note and a blended price
	// besides) is accepted.
	good := filepath.Join(dir, "good.json")
	require.NoError(t, os.WriteFile(good, []byte(`{"models":{"big":{"input_per_mtok":10,"output_per_mtok":30,"blended_per_mtok":24.7},"small":{"input_per_mtok":0.2,"output_per_mtok":0.2}},"note":"USD"}`), 0o644))
	pr, err := loadPrices(good)
	require.NoError(t, err)
	assert.Equal(t, map[string]price{"big": {In: 10, Out: 30}, "small": {In: 0.2, Out: 0.2}}, pr)
}
