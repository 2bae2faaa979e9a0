package dataset

import (
	"bytes"
	"errors"
	"io"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter/internal/shareddata"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadDatasetErrors(t *testing.T) {
	good := `{"id":"a","prompt":"p","outcomes":{"m":{"score":1}}}`
	tests := []struct {
		name  string
		input string
		line  int
		field string
		kind  error
		msg   string
	}{
		{"malformed JSON", good + "\n{\"id\": \"b\", \n", 2, "", ErrSyntax, "at byte"},
		{"not an object", "[1,2]", 1, "", ErrSyntax, "want an object"},
		{"id of wrong type", `{"id":7,"prompt":"p","outcomes":{"m":{"score":1}}}`, 1, "id", ErrSyntax, "number"},
		{"score of wrong type", `{"id":"a","prompt":"p","outcomes":{"m":{"score":"1"}}}`, 1, "outcomes.m.score", ErrSyntax, "string"},
		{"missing id", `{"prompt":"p","outcomes":{"m":{"score":1}}}`, 1, "id", ErrMissing, "id"},
		{"empty id", "\n\n" + `{"id":" ","prompt":"p","outcomes":{"m":{"score":1}}}`, 3, "id", ErrMissing, "empty"},
		{"empty prompt", `{"id":"a","prompt":"","outcomes":{"m":{"score":1}}}`, 1, "prompt", ErrMissing, "no turns"},
		{"no outcomes", `{"id":"a","prompt":"p","outcomes":{}}`, 1, "outcomes", ErrMissing, "no outcomes"},
		{"outcomes absent", `{"id":"a","prompt":"p"}`, 1, "outcomes", ErrMissing, "no outcomes"},
		{"missing score", `{"id":"a","prompt":"p","outcomes":{"m":{"cost":1}}}`, 1, "outcomes.m.score", ErrMissing, "no score"},
		{"null outcome", `{"id":"a","prompt":"p","outcomes":{"m":null}}`, 1, "outcomes.m", ErrMissing, "null"},
		{"score above 1", `{"id":"a","prompt":"p","outcomes":{"m":{"score":1.5}}}`, 1, "outcomes.m.score", ErrRange, "1.5"},
		{"score below 0", `{"id":"a","prompt":"p","outcomes":{"m":{"score":-0.1}}}`, 1, "outcomes.m.score", ErrRange, "-0.1"},
		{"negative cost", `{"id":"a","prompt":"p","outcomes":{"m":{"score":1,"cost":-2}}}`, 1, "outcomes.m.cost", ErrRange, "negative"},
		{"negative latency", `{"id":"a","prompt":"p","outcomes":{"m":{"score":1,"latency_ms":-2}}}`, 1, "outcomes.m.latency_ms", ErrRange, "negative"},
		{"empty model name", `{"id":"a","prompt":"p","outcomes":{"":{"score":1}}}`, 1, "outcomes", ErrMissing, "model name"},
		{"duplicate id", good + "\n" + `{"id":"x","prompt":"q","outcomes":{"m":{"score":0}}}` + "\n" + good, 3, "id", ErrDuplicate, "first on line 1, again on line 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.input))
			require.Error(t, err)
			var de *Error
			require.True(t, errors.As(err, &de), "want a *Error, got %T: %v", err, err)
			assert.Equal(t, tt.line, de.Line, "line: %v", err)
			assert.Equal(t, tt.field, de.Field, "field: %v", err)
			assert.ErrorIs(t, err, tt.kind)
			assert.Contains(t, err.Error(), tt.msg)
			assert.Contains(t, err.Error(), "line ")
		})
	}
}

func TestReadDatasetCollectsErrors(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 30; i++ {
		b.WriteString(`{"id":"a` + strings.Repeat("x", i) + `","prompt":"p","outcomes":{"m":{"score":2}}}` + "\n")
	}
	b.WriteString(`{"id":"ok","prompt":"p","outcomes":{"m":{"score":1}}}` + "\n")
	ds, err := Read(strings.NewReader(b.String()), WithMaxErrors(5))
	var agg *Errors
	require.ErrorAs(t, err, &agg)
	assert.Len(t, agg.Errs, 5)
	assert.Equal(t, 25, agg.Omitted)
	assert.Contains(t, err.Error(), "30 problem(s)")
	assert.Contains(t, err.Error(), "and 25 more")
	assert.Equal(t, 2, agg.Errs[1].Line)
	require.NotNil(t, ds)
	assert.Equal(t, 1, ds.Len(), "the valid record is kept")

	// Several problems on one line are all reported.
	_, err = Read(strings.NewReader(`{"prompt":"","outcomes":{"m":{"score":3,"cost":-1}}}`))
	require.ErrorAs(t, err, &agg)
	var fields []string
	for _, e := range agg.Errs {
		fields = append(fields, e.Field)
	}
	assert.Equal(t, []string{"id", "prompt", "outcomes.m.score", "outcomes.m.cost"}, fields)
}

func TestRecordValidateNaN(t *testing.T) {
	r := Record{ID: "a", Prompt: "p", Outcomes: map[string]Outcome{"m": {Score: math.NaN()}}}
	err := r.Validate()
	var de *Error
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "outcomes.m.score", de.Field)
	assert.ErrorIs(t, err, ErrRange)

	r = Record{ID: "a", Prompt: "p", Outcomes: map[string]Outcome{"m": Outcome{Score: 1}.WithCost(math.Inf(1))}}
	require.ErrorAs(t, r.Validate(), &de)
	assert.Equal(t, "outcomes.m.cost", de.Field)

	// Turns or messages stand in for an empty prompt.
	r = Record{ID: "a", Turns: []string{"hi"}, Outcomes: map[string]Outcome{"m": {Score: 1}}}
	assert.NoError(t, r.Validate())

	ds := &Dataset{Records: []Record{
		{ID: "a", Prompt: "p", Outcomes: map[string]Outcome{"m": {Score: 1}}},
		{ID: "a", Prompt: "q", Outcomes: map[string]Outcome{"m": {Score: 1}}},
	}}
	err = ds.Validate()
	require.ErrorIs(t, err, ErrDuplicate)
	assert.Contains(t, err.Error(), "records 0 and 1")
}

func TestDatasetRoundTrip(t *testing.T) {
	cost := 0.00012
	in := []Record{
		{ID: "gsm8k/17", Task: "gsm8k", Prompt: "Natalia sold clips <b> & \"more\"\nline two ✓",
			Outcomes: map[string]Outcome{
				"z-model": {Score: 0, Cost: &cost, LatencyMS: 812.5},
				"a-model": {Score: 1},
			}},
		{ID: "mt/1", Task: "mt_bench/writing", Prompt: "t1", Turns: []string{"t1", "t2"},
			Messages: []byte(`[{"role":"human","parts":[{"type":"text","text":"t1"}]}]`),
			Outcomes: map[string]Outcome{"a-model": {Score: 0.75}}},
	}
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, in))
	text := buf.String()
	assert.Contains(t, text, "<b> &", "no HTML escaping")
	assert.Less(t, strings.Index(text, `"a-model"`), strings.Index(text, `"z-model"`), "sorted map keys")
	assert.True(t, strings.HasPrefix(text, `{"id":"gsm8k/17","task":"gsm8k","prompt":`), text)
	assert.Contains(t, text, `"z-model":{"score":0,"cost":0.00012,"latency_ms":812.5}`)
	assert.Equal(t, 2, strings.Count(text, "\n"))

	ds, err := Read(&buf)
	require.NoError(t, err)
	require.Equal(t, 2, ds.Len())
	for i := range in {
		in[i].Line = i + 1
		assert.Equal(t, in[i].ID, ds.Records[i].ID)
		assert.Equal(t, in[i].Prompt, ds.Records[i].Prompt)
		assert.Equal(t, in[i].Turns, ds.Records[i].Turns)
		assert.JSONEq(t, string(orEmpty(in[i].Messages)), string(orEmpty(ds.Records[i].Messages)))
		assert.Equal(t, in[i].Outcomes, ds.Records[i].Outcomes)
		assert.Equal(t, i+1, ds.Records[i].Line)
	}

	// The writer refuses an invalid record.
	err = Write(io.Discard, []Record{{ID: "x", Prompt: "p"}})
	assert.ErrorIs(t, err, ErrMissing)
}

func orEmpty(b []byte) []byte {
	if len(b) == 0 {
		return []byte("null")
	}
	return b
}

func TestDatasetReaderStreaming(t *testing.T) {
	long := strings.Repeat("word ", 1<<20) // a 5 MB prompt on one line
	input := `{"id":"1","prompt":"a","outcomes":{"m":{"score":1}}}` + "\r\n" +
		"not json\n" +
		`{"id":"3","prompt":"` + long + `","outcomes":{"m":{"score":0}}}` // no final newline
	dr := NewReader(strings.NewReader(input))
	r, err := dr.Next()
	require.NoError(t, err)
	assert.Equal(t, "1", r.ID)
	_, err = dr.Next()
	var de *Error
	require.ErrorAs(t, err, &de)
	assert.Equal(t, 2, de.Line)
	r, err = dr.Next()
	require.NoError(t, err)
	assert.Equal(t, "3", r.ID)
	assert.Len(t, r.Prompt, len(long))
	_, err = dr.Next()
	assert.Equal(t, io.EOF, err)

	var ids []string
	var nerr int
	for rec, err := range NewReader(strings.NewReader(input)).All() {
		if err != nil {
			nerr++
			continue
		}
		ids = append(ids, rec.ID)
	}
	assert.Equal(t, []string{"1", "3"}, ids)
	assert.Equal(t, 1, nerr)
}

func TestAliasesAndHelpers(t *testing.T) {
	input := strings.Join([]string{
		`{"id":"1","task":"mmlu/anatomy","prompt":"p","outcomes":{"gpt4":{"score":1,"cost":0.01},"mixtral":{"score":0,"cost":0.001}}}`,
		`{"id":"2","task":"mmlu/law","prompt":"q","outcomes":{"gpt-4-1106-preview":{"score":1,"cost":0.03},"mixtral":{"score":1}}}`,
		`{"id":"3","task":"gsm8k","prompt":"p","outcomes":{"gpt-4-1106-preview":{"score":0.5}}}`,
	}, "\n")
	aliases := map[string]string{"gpt4": "gpt-4-1106-preview"}
	ds, err := Read(strings.NewReader(input), WithAliases(aliases))
	require.NoError(t, err)
	assert.Equal(t, []string{"gpt-4-1106-preview", "mixtral"}, ds.Models())

	stats := ds.ModelStats()
	require.Len(t, stats, 2)
	assert.Equal(t, "gpt-4-1106-preview", stats[0].Model)
	assert.Equal(t, 3, stats[0].Rows)
	assert.InDelta(t, 2.5/3, stats[0].MeanScore, 1e-12)
	assert.Equal(t, 2, stats[0].CostRows)
	assert.InDelta(t, 0.02, stats[0].MeanCost, 1e-12)
	assert.Equal(t, 2, stats[1].Rows)

	m, n := ds.MeanScore("mixtral")
	assert.Equal(t, 0.5, m)
	assert.Equal(t, 2, n)
	c, n := ds.MeanCost("mixtral")
	assert.Equal(t, 0.001, c)
	assert.Equal(t, 1, n)
	_, n = ds.MeanScore("nobody")
	assert.Zero(t, n)

	assert.Equal(t, 2, ds.FilterTasks("mmlu").Len())
	assert.Equal(t, 1, ds.FilterTasks("gsm8k").Len())
	assert.Equal(t, 0, ds.FilterTasks("mml").Len(), "prefix must end at a /")
	assert.Equal(t, 2, ds.WithModels("mixtral", "gpt-4-1106-preview").Len())
	assert.Equal(t, map[string]int{"mmlu/anatomy": 1, "mmlu/law": 1, "gsm8k": 1}, ds.Tasks())

	dups := ds.DuplicatePrompts()
	require.Len(t, dups, 1)
	assert.Equal(t, "p", dups[0].Prompt)
	assert.Equal(t, []string{"1", "3"}, dups[0].IDs)
	assert.Equal(t, []int{1, 3}, dups[0].Lines)

	// Two spellings of one model in one record collide after aliasing.
	_, err = Read(strings.NewReader(
		`{"id":"1","prompt":"p","outcomes":{"gpt-4-1106-preview":{"score":1},"gpt4":{"score":0}}}`), WithAliases(aliases))
	var de *Error
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "outcomes.gpt4", de.Field)
	assert.ErrorIs(t, err, ErrDuplicate)
}

func TestDatasetSplit(t *testing.T) {
	ds := &Dataset{}
	for i := 0; i < 100; i++ {
		p := string(rune('a' + i%40)) // 40 distinct prompts, repeated
		ds.Records = append(ds.Records, Record{ID: string(rune(1000 + i)), Prompt: p, Outcomes: map[string]Outcome{"m": {Score: 1}}})
	}
	train, test, err := ds.Split(0.25, 7)
	require.NoError(t, err)
	assert.Equal(t, 100, train.Len()+test.Len())
	assert.InDelta(t, 25, test.Len(), 3)
	inTrain := map[string]bool{}
	for _, r := range train.Records {
		inTrain[r.Prompt] = true
	}
	for _, r := range test.Records {
		assert.False(t, inTrain[r.Prompt], "prompt %q on both sides", r.Prompt)
	}
	train2, _, err := ds.Split(0.25, 7)
	require.NoError(t, err)
	assert.Equal(t, train.Records, train2.Records, "same seed, same split")
	_, _, err = ds.Split(1, 7)
	assert.Error(t, err)
}

// TestRealData checks the files of ../shared/data against the figures their
// README states.
func TestRealData(t *testing.T) {
	realDataDir, ok := shareddata.Dir()
	if !ok {
		t.Skip("real outcome data not found: the shared outcomes data lives beside the repository in ../shared/data")
	}
	const gpt4, mixtral = "gpt-4-1106-preview", "mistralai/Mixtral-8x7B-Instruct-v0.1"
	tests := []struct {
		file       string
		rows       int
		models     int
		dupPrompts int // -1: not checked
		means      map[string]float64
		costs      map[string]float64
	}{
		{"routellm-mmlu.jsonl", 14037, 2, 105, map[string]float64{gpt4: 0.8059, mixtral: 0.6809}, nil},
		{"routellm-gsm8k.jsonl", 1307, 2, -1, map[string]float64{gpt4: 0.8577, mixtral: 0.6373}, nil},
		{"routellm-mtbench.jsonl", 72, 2, 0, map[string]float64{gpt4: 0.9212, mixtral: 0.8281}, nil},
		{"routerbench-train.jsonl", 2212, 11, -1, nil, nil},
		{"routerbench-test.jsonl", 952, 11, -1,
			map[string]float64{"gpt-4-1106-preview": 0.880, "zero-one-ai/Yi-34B-Chat": 0.779, "mistralai/mistral-7b-chat": 0.592, "WizardLM/WizardLM-13B-V1.2": 0.567},
			map[string]float64{"gpt-4-1106-preview": 0.00500, "zero-one-ai/Yi-34B-Chat": 0.00033, "mistralai/mistral-7b-chat": 0.00008}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			ds, err := Load(filepath.Join(realDataDir, tt.file))
			require.NoError(t, err)
			assert.Equal(t, tt.rows, ds.Len())
			assert.Len(t, ds.Models(), tt.models)
			for _, s := range ds.ModelStats() {
				assert.Equal(t, tt.rows, s.Rows, "every row has every model: %s", s.Model)
			}
			for m, want := range tt.means {
				got, _ := ds.MeanScore(m)
				prec := 0.00005
				if tt.costs != nil || len(tt.means) > 2 {
					prec = 0.0005 // the README rounds RouterBench to 3 places
				}
				assert.InDelta(t, want, got, prec, "mean score of %s", m)
			}
			for m, want := range tt.costs {
				got, n := ds.MeanCost(m)
				assert.Equal(t, tt.rows, n)
				assert.InDelta(t, want, got, 0.000005, "mean cost of %s", m)
			}
			if tt.dupPrompts >= 0 {
				assert.Len(t, ds.DuplicatePrompts(), tt.dupPrompts)
			}
			for _, s := range ds.ModelStats() {
				t.Logf("%-40s rows %5d  mean score %.4f  mean cost %.5f", s.Model, s.Rows, s.MeanScore, s.MeanCost)
			}
		})
	}
	t.Run("routerbench tasks", func(t *testing.T) {
		ds, err := Load(filepath.Join(realDataDir, "routerbench-test.jsonl"))
		require.NoError(t, err)
		assert.Equal(t, map[string]int{"arc_challenge": 444, "winogrande": 380, "mbpp": 128}, ds.Tasks())
	})
}
