package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dropField rewrites line (1-based) of path with the outcome of model
// removed (field "") or without that outcome's field.
func dropField(t *testing.T, path string, line int, model, field string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	var rec map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[line-1]), &rec))
	out := rec["outcomes"].(map[string]any)
	if field == "" {
		delete(out, model)
	} else {
		delete(out[model].(map[string]any), field)
	}
	nb, err := json.Marshal(rec)
	require.NoError(t, err)
	lines[line-1] = string(nb)
	require.NoError(t, os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
	return rec["id"].(string)
}

// A record of three or more models without one model's cost (or outcome)
// left eval's cost-quality metrics out of the fold it fell in, and the
// mean and single-model tables out altogether, without a word. eval now
// says why, naming the file, line, id and model, and leaves them out of
// every fold alike.
func TestEvalSaysWhyNoCostMetrics(t *testing.T) {
	for _, tc := range []struct {
		field, want string
	}{
		{"cost", "no cost for model"},
		{"", "no outcome for model"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			dir := t.TempDir()
			data := writeSynth(t, dir, "data.jsonl", 0, 48, mStrong, mMid, mWeak)
			id := dropField(t, data, 7, mMid, tc.field)
			want := data + `: line 7 (id "` + id + `"): ` + tc.want + ` "` + mMid + `"`

			out := runOK(t, "eval", "-quiet", "-bits", "10", "-lambda", "1", "-cv", "2", "-strong", mStrong, "-weak", mWeak, data)
			assert.Contains(t, out, "no cost-quality metrics: "+want)
			assert.NotContains(t, out, "cost to reach a share", "no fold has the cost-quality table")

			// Without a pair nothing is left to evaluate: an error, as with -test.
			var stdout, errb bytes.Buffer
			require.Equal(t, 1, run([]string{"eval", "-quiet", "-bits", "10", "-lambda", "1", "-cv", "2", data}, &stdout, &errb))
			assert.Contains(t, stdout.String(), "no cost-quality metrics: "+want)
			assert.Contains(t, errb.String(), "nothing to evaluate: give -strong and -weak")

			test := writeSynth(t, dir, "test.jsonl", 1000, 24, mStrong, mMid, mWeak)
			id = dropField(t, test, 3, mMid, tc.field)
			stdout.Reset()
			errb.Reset()
			code := run([]string{"eval", "-quiet", "-bits", "10", "-lambda", "1", "-strong", mStrong, "-weak", mWeak,
				"-test", test, filepath.Join(dir, "data.jsonl")}, &stdout, &errb)
			require.Equal(t, 0, code, errb.String())
			assert.Contains(t, stdout.String(), "no cost-quality metrics: "+test+`: line 3 (id "`+id+`"): `+tc.want+` "`+mMid+`"`)
		})
	}
}
