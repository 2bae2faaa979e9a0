package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/internal/shareddata"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func recs(prompts ...string) []dataset.Record {
	rs := make([]dataset.Record, len(prompts))
	for i, p := range prompts {
		rs[i] = dataset.Record{ID: fmt.Sprintf("r%d", i), Prompt: p}
	}
	return rs
}

// priorGroups deals the distinct prompts into k groups: a prompt's copies
// share a group, every group holds a prompt, and k = 0 puts every row in
// group 0 (the in-sample cards).
func TestPriorGroups(t *testing.T) {
	for _, tt := range []struct {
		name    string
		prompts []string
		k       int
		wantErr string
	}{
		{"in-sample", []string{"a", "b", "c"}, 0, ""},
		{"two groups", []string{"a", "b", "c", "d", "e"}, 2, ""},
		{"one prompt a group", []string{"a", "b", "c", "d"}, 4, ""},
		{"copies together", []string{"a", "b", "a", "c", "b", "a", "d", "e"}, 3, ""},
		{"more groups than prompts", []string{"a", "b", "a"}, 3, "-prior-folds 3: the stream has only 2 distinct prompts"},
		{"one group", []string{"a", "b"}, 1, "-prior-folds 1: want 0 (in-sample) or at least 2"},
		{"negative", []string{"a", "b"}, -2, "-prior-folds -2: want 0 (in-sample) or at least 2"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rows := recs(tt.prompts...)
			g, err := priorGroups(rows, tt.k, 7)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Len(t, g, len(rows))
			byPrompt := map[string]int{}
			size := map[int]int{}
			for i, r := range rows {
				if prev, ok := byPrompt[r.Prompt]; ok {
					assert.Equal(t, prev, g[i], "copies of %q in different groups", r.Prompt)
				} else {
					byPrompt[r.Prompt] = g[i]
					size[g[i]]++
				}
			}
			if tt.k == 0 {
				assert.Equal(t, map[int]int{0: len(byPrompt)}, size)
				return
			}
			require.Len(t, size, tt.k, "every group holds a prompt")
			for gi, n := range size {
				assert.True(t, gi >= 0 && gi < tt.k, "group %d", gi)
				assert.LessOrEqual(t, n, (len(byPrompt)+tt.k-1)/tt.k, "group %d holds %d distinct prompts", gi, n)
			}
		})
	}
}

// foldQualities gives group g the mean score over the rows outside g: a
// row's own score never enters the quality its request is routed by.
func TestFoldQualities(t *testing.T) {
	rows := recs("a", "b", "c", "d")
	scores := [][2]float64{{1, 0}, {0, 1}, {1, 1}, {0, 0.5}} // per row: model x, model y
	for i := range rows {
		rows[i].Outcomes = map[string]dataset.Outcome{"x": {Score: scores[i][0]}, "y": {Score: scores[i][1]}}
	}
	for _, tt := range []struct {
		name  string
		group []int
		k     int
		want  [][]float64 // per group, per model (x, y)
	}{
		{"in-sample", []int{0, 0, 0, 0}, 0, [][]float64{{0.5, 0.625}}},
		{"two groups", []int{0, 1, 0, 1}, 2, [][]float64{{0, 0.75}, {1, 0.5}}},
		{"leave one out", []int{0, 1, 2, 3}, 4, [][]float64{{1.0 / 3, 2.5 / 3}, {2.0 / 3, 1.5 / 3}, {1.0 / 3, 1.5 / 3}, {2.0 / 3, 2.0 / 3}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := foldQualities(rows, []string{"x", "y"}, tt.group, tt.k)
			require.Len(t, got, len(tt.want))
			for g := range tt.want {
				assert.InDeltaSlice(t, tt.want[g], got[g], 1e-12, "group %d", g)
			}
			if tt.k == 0 {
				return
			}
			// Changing a row's own scores leaves its group's qualities be.
			for i := range rows {
				changed := append([]dataset.Record(nil), rows...)
				changed[i].Outcomes = map[string]dataset.Outcome{"x": {Score: 1 - scores[i][0]}, "y": {Score: 1 - scores[i][1]}}
				assert.Equal(t, got[tt.group[i]], foldQualities(changed, []string{"x", "y"}, tt.group, tt.k)[tt.group[i]], "row %d", i)
			}
		})
	}
}

// writeAntiStream writes n price-free rows of two models where each model
// wins half the prompts: the in-sample cards tie, while a card measured
// without the request always favours the model that lost it.
func writeAntiStream(t *testing.T, dir string, n int) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for i := range n {
		x, y := 0.1, 0.0 // low scores: no model is adequate, so the default ranks by quality
		if i%2 == 1 {
			x, y = 0, 0.1
		}
		require.NoError(t, enc.Encode(map[string]any{"id": fmt.Sprintf("anti/%d", i), "task": "anti",
			"prompt":   fmt.Sprintf("Write a short note to reader %d.", i),
			"outcomes": map[string]any{"acme/x": map[string]float64{"score": x}, "acme/y": map[string]float64{"score": y}}}))
	}
	path := filepath.Join(dir, "anti.jsonl")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	return path
}

// With in-sample cards the default routes every request by qualities that
// hold its own outcome; cross-fitted (-prior-folds n: leave one prompt
// out) it never does, which on this stream sends every request to the
// model that lost it.
func TestSimulatePriorFolds(t *testing.T) {
	data := writeAntiStream(t, t.TempDir(), 10)
	defaultReward := func(out string) float64 {
		m := regexp.MustCompile(`(?m)^default +(-?[0-9.]+) +(-?[0-9.]+) `).FindStringSubmatch(out)
		require.NotNil(t, m, out)
		v, err := strconv.ParseFloat(m[2], 64)
		require.NoError(t, err)
		return v
	}
	for _, tt := range []struct {
		folds      string
		wantReward float64
		wantLine   string
	}{
		{"0", 0.5, "card Quality: each model's mean score over the whole stream, each request's own outcome included (in-sample; -prior-folds 0)"},
		{"10", 0, "card Quality: cross-fitted on 10 groups of prompts, each request routed by the mean scores of the other 9 groups (never its own outcome)"},
	} {
		t.Run(tt.folds, func(t *testing.T) {
			out := runOK(t, "simulate", "-no-offline", "-price-free", "-window", "5", "-prior-folds", tt.folds, data)
			assert.Contains(t, out, tt.wantLine)
			assert.InDelta(t, tt.wantReward, defaultReward(out), 1e-9, out)
		})
	}
	// The default is cross-fitted on 5 groups.
	out := runOK(t, "simulate", "-no-offline", "-price-free", "-window", "5", data)
	assert.Contains(t, out, "card Quality: cross-fitted on 5 groups of prompts")
}

// -models plays a subset of the data's models: the others need no price,
// and a row needs outcomes only for the chosen ones.
func TestSimulateModels(t *testing.T) {
	dir := t.TempDir()
	data := writeSynth(t, dir, "synth.jsonl", 0, 60, mStrong, mMid, mWeak)
	out := runOK(t, "simulate", "-no-offline", "-window", "20", "-models", mWeak+", "+mStrong, data)
	assert.Contains(t, out, "60 requests (0 rows without every model left out), 2 models")
	assert.Contains(t, out, "models played: "+mStrong+", "+mWeak+" (1 of the data's 3 left out by -models)")
	prices := filepath.Join(dir, "prices.json")
	require.NoError(t, os.WriteFile(prices, []byte(`{"models": {"`+mStrong+`": {"input_per_mtok": 10, "output_per_mtok": 30}, "`+mMid+`": {"input_per_mtok": 1, "output_per_mtok": 2}}}`), 0o644))
	two := writeSynth(t, dir, "nocost.jsonl", 0, 30, mStrong, mMid) // no recorded costs
	out = runOK(t, "simulate", "-no-offline", "-window", "10", "-prices", prices, "-models", mMid+","+mStrong, two)
	assert.Contains(t, out, "2 models")
	for _, tt := range []struct {
		models, want string
	}{
		{mStrong + ",acme/nope", `-models: "acme/nope" is not a model of the data (`},
		{mStrong, "-models: 1 model(s); simulate needs at least 2"},
		{mStrong + "," + mStrong, `-models: "` + mStrong + `" named twice`},
	} {
		var o, e bytes.Buffer
		require.Equal(t, 1, run([]string{"simulate", "-no-offline", "-models", tt.models, data}, &o, &e), tt.models)
		assert.Contains(t, e.String(), tt.want)
	}
}

// The Arena price file names a price and its source for each model, and
// every model it prices is one of the Arena file's.
func TestArenaPricesFile(t *testing.T) {
	path := filepath.Join("testdata", "arena-prices.json")
	prices, err := loadPrices(path)
	require.NoError(t, err)
	require.NotEmpty(t, prices)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var raw struct {
		Models map[string]struct {
			Note string `json:"note"`
		} `json:"models"`
	}
	require.NoError(t, json.Unmarshal(b, &raw))
	for name, p := range prices {
		assert.Positive(t, p.In, name)
		assert.GreaterOrEqual(t, p.Out, p.In, name)
		assert.Regexp(t, `https?://`, raw.Models[name].Note, "%s: the note names the price's source", name)
	}
	ds, err := dataset.Load(shareddata.Path(t, "arenahard-gpt4o-dw1.jsonl"))
	require.NoError(t, err)
	for name := range prices {
		assert.Contains(t, ds.Models(), name)
	}
}

// The out-of-fold classifier's folds keep a prompt's copies together, as
// the cross-fitted cards do: with folds by row position, a prompt repeated
// in the stream (MMLU holds 105 such, RouterBench 2) was routed by a
// classifier trained on its own copy.
func TestOutOfFoldGroupsByPrompt(t *testing.T) {
	for _, tt := range []struct {
		name    string
		prompts []string
		folds   int // distinct groups expected
	}{
		{"adjacent copies", []string{"a", "a", "b", "b", "c", "c", "d", "d", "e", "e", "f"}, oofFolds},
		{"spread copies", []string{"a", "b", "c", "d", "e", "f", "g", "a", "b", "c"}, oofFolds},
		{"fewer prompts than folds", []string{"a", "b", "a", "c", "b"}, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rows := recs(tt.prompts...)
			fold, k, err := oofGroups(rows, 1)
			require.NoError(t, err)
			require.Equal(t, tt.folds, k)
			require.Len(t, fold, len(rows))
			byPrompt := map[string]int{}
			seen := map[int]bool{}
			for i, r := range rows {
				if prev, ok := byPrompt[r.Prompt]; ok {
					assert.Equal(t, prev, fold[i], "copies of %q in different folds", r.Prompt)
				}
				byPrompt[r.Prompt] = fold[i]
				seen[fold[i]] = true
			}
			assert.Len(t, seen, k, "every fold holds a prompt")
		})
	}
	_, _, err := oofGroups(recs("a", "a", "a"), 1)
	require.ErrorContains(t, err, "one distinct prompt")
}
