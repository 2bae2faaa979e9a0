package decisionlog

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeFeedbackLog logs five answered decisions (answers for the first
// four) and one no model answered, then feedback from another Log on the
// same directory, as another process would give it: d1 twice (the later
// wins), d2, d5, the failed one, and an id the log does not hold.
func writeFeedbackLog(t *testing.T, opts Options) (dir string, decisions []*llmrouter.Decision) {
	t.Helper()
	dir = t.TempDir()
	clock := routertest.NewClock(testStart)
	opts.Clock = clock
	l, err := Open(dir, opts)
	require.NoError(t, err)
	r := newRouter(t, clock, []llmrouter.Sink{l, llmrouter.SinkFunc(func(d *llmrouter.Decision) { decisions = append(decisions, d) })})
	for i := range 5 {
		resp := generate(t, r, "", []string{"What is 2+2?", "Name a prime.", "Hello", "Sort 3 1 2", "Why is the sky blue?"}[i])
		if i < 4 {
			l.RecordAnswer(resp)
		}
	}
	boom := errors.New("boom")
	failing, err := llmrouter.New([]llmrouter.Provider{routertest.NewProvider(cheapCard, routertest.Fail(boom))},
		llmrouter.WithSink(l), llmrouter.WithClock(clock), llmrouter.WithIDGenerator(func() string { return "failed" }))
	require.NoError(t, err)
	_, err = failing.GenerateContent(context.Background(), human("a failed call"))
	require.ErrorIs(t, err, boom)
	require.NoError(t, l.Close())

	clock.Advance(72 * time.Hour)
	other, err := Open(dir, Options{Clock: clock})
	require.NoError(t, err)
	ctx := context.Background()
	require.NoError(t, other.Feedback(ctx, "d00001", 0, "wrong"))
	clock.Advance(time.Minute)
	for _, fb := range []struct {
		id    string
		score float64
	}{{"d00001", 1}, {"d00002", 0.5}, {"d00005", 1}, {"failed", 0}, {"ghost", 1}} {
		require.NoError(t, other.Feedback(ctx, fb.id, fb.score, "ok"))
	}
	require.NoError(t, other.Close())
	return dir, decisions
}

func TestExportOutcomes(t *testing.T) {
	dir, decisions := writeFeedbackLog(t, Options{PromptText: TextFull, AnswerText: TextFull})
	var buf bytes.Buffer
	st, err := ExportOutcomes(dir, &buf)
	require.NoError(t, err)
	assert.Equal(t, ExportStats{Decisions: 6, Feedback: 6, WithFeedback: 4, Rows: 3, Unanswered: 1, Orphans: 1, Scan: ScanStats{Files: 2, Entries: 16}}, st)
	assert.Equal(t, "exported 3 row(s) from 4 decision(s) with feedback (of 6 decisions, 6 feedback entries); 1 skipped: no model answered; 1 feedback without its decision in the log", st.String())

	ds, err := dataset.Read(&buf)
	require.NoError(t, err, "the export is an outcomes dataset train reads")
	require.Len(t, ds.Records, 3)
	for i, want := range []struct {
		d     *llmrouter.Decision
		score float64
	}{{decisions[0], 1}, {decisions[1], 0.5}, {decisions[4], 1}} {
		rec := ds.Records[i]
		assert.Equal(t, want.d.ID, rec.ID)
		assert.Equal(t, want.d.Features.Text, rec.Prompt)
		assert.Equal(t, want.d.Prediction.Label, rec.Task)
		require.Len(t, rec.Outcomes, 1)
		o := rec.Outcomes[want.d.Answered]
		assert.Equal(t, want.score, o.Score, "later feedback replaces earlier")
		cost, ok := o.CostValue()
		assert.True(t, ok)
		assert.InDelta(t, cheapCard.Cost(100, 20), cost, 1e-15)
		assert.Equal(t, 200.0, o.LatencyMS)
	}
}

func TestExportSkipsWhatWasNotLogged(t *testing.T) {
	for _, tc := range []struct {
		name                         string
		opts                         Options
		outcomes, verifier, noAnswer int
		noPrompt                     int
		say                          string
	}{
		{name: "default: no text", noPrompt: 3, say: "3 skipped: prompt text not logged (Options.PromptText is not TextFull)"},
		{name: "hashed", opts: Options{PromptText: TextHashed, AnswerText: TextHashed, HashKey: testKey}, noPrompt: 3},
		{name: "prompt only", opts: Options{PromptText: TextFull}, outcomes: 3, noAnswer: 3,
			say: "3 skipped: answer text not logged"},
		{name: "full", opts: Options{PromptText: TextFull, AnswerText: TextFull}, outcomes: 3, verifier: 2, noAnswer: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, _ := writeFeedbackLog(t, tc.opts)
			st, err := ExportOutcomes(dir, &bytes.Buffer{})
			require.NoError(t, err)
			assert.Equal(t, tc.outcomes, st.Rows)
			assert.Equal(t, tc.noPrompt, st.NoPrompt)
			var buf bytes.Buffer
			vst, err := ExportVerifier(dir, &buf)
			require.NoError(t, err)
			assert.Equal(t, tc.verifier, vst.Rows)
			assert.Equal(t, tc.noAnswer, vst.NoAnswer)
			assert.Equal(t, vst.WithFeedback, vst.Rows+vst.NoPrompt+vst.NoAnswer+vst.EmptyAnswer+vst.Unanswered)
			if tc.say != "" {
				assert.Contains(t, st.String()+vst.String(), tc.say)
			}
			assert.Equal(t, tc.verifier, strings.Count(buf.String(), "\n"))
		})
	}
}

// ExportVerifier writes an outcomes dataset, the answering model's outcome
// carrying its answer: what train-verifier and verify.Examples read. It
// used to write rows of its own shape ({"model","answer","score"} at the top
// level) that train-verifier refused ("no outcomes").
func TestExportVerifier(t *testing.T) {
	dir, decisions := writeFeedbackLog(t, Options{PromptText: TextFull, AnswerText: TextFull})
	var buf bytes.Buffer
	st, err := ExportVerifier(dir, &buf)
	require.NoError(t, err)
	assert.Equal(t, 2, st.Rows)
	ds, err := dataset.Read(&buf)
	require.NoError(t, err, "the export is an outcomes dataset")
	require.Len(t, ds.Records, 2)
	for i, want := range []struct {
		d     *llmrouter.Decision
		score float64
	}{{decisions[0], 1}, {decisions[1], 0.5}} {
		rec := ds.Records[i]
		assert.Equal(t, want.d.ID, rec.ID)
		assert.Equal(t, want.d.Features.Text, rec.Prompt)
		assert.Equal(t, want.d.Prediction.Label, rec.Task)
		o, ok := rec.Outcomes["cheap"]
		require.True(t, ok, "the answering model's outcome")
		assert.Len(t, rec.Outcomes, 1)
		assert.Equal(t, want.score, o.Score)
		assert.Equal(t, "cheap answer", o.Answer)
		cost, ok := o.CostValue()
		assert.True(t, ok)
		assert.InDelta(t, cheapCard.Cost(100, 20), cost, 1e-15)
		assert.Equal(t, 200.0, o.LatencyMS)
	}
}

// An empty answer cannot be told from an unknown one in an outcomes file:
// ExportVerifier skips it and counts it, rather than writing a record
// train-verifier would refuse.
func TestExportVerifierEmptyAnswer(t *testing.T) {
	dir := t.TempDir()
	clock := routertest.NewClock(testStart)
	l, err := Open(dir, Options{PromptText: TextFull, AnswerText: TextFull, Clock: clock})
	require.NoError(t, err)
	ps := []llmrouter.Provider{routertest.NewProvider(cheapCard, routertest.Response{Text: ""}, routertest.Response{Text: "four"}).WithClock(clock)}
	n := 0
	r, err := llmrouter.New(ps, llmrouter.WithClock(clock), llmrouter.WithSink(l),
		llmrouter.WithIDGenerator(func() string { n++; return fmt.Sprintf("e%d", n) }))
	require.NoError(t, err)
	for range 2 {
		l.RecordAnswer(generate(t, r, "", "What is 2+2?"))
	}
	require.NoError(t, l.Close())
	fb, err := Open(dir, Options{Clock: clock})
	require.NoError(t, err)
	for _, id := range []string{"e1", "e2"} {
		require.NoError(t, fb.Feedback(context.Background(), id, 1, ""))
	}
	require.NoError(t, fb.Close())

	var buf bytes.Buffer
	st, err := ExportVerifier(dir, &buf)
	require.NoError(t, err)
	assert.Equal(t, 1, st.Rows)
	assert.Equal(t, 1, st.EmptyAnswer)
	assert.Contains(t, st.String(), "1 skipped: empty answer")
	ds, err := dataset.Read(&buf)
	require.NoError(t, err)
	require.Len(t, ds.Records, 1)
	assert.Equal(t, "e2", ds.Records[0].ID)
	assert.Equal(t, "four", ds.Records[0].Outcomes["cheap"].Answer)
}

func TestFeedbackInvalid(t *testing.T) {
	l, err := Open(t.TempDir(), Options{})
	require.NoError(t, err)
	defer l.Close()
	for _, tc := range []struct {
		id    string
		score float64
		note  string
		want  string
	}{
		{"", 1, "", "empty decision id"},
		{"d1", 1.5, "", "score 1.5 is outside [0,1]"},
		{"d1", -0.1, "", "outside [0,1]"},
		{"d1", nan(), "", "outside [0,1]"},
		{"d1", 1, strings.Repeat("x", MaxNoteBytes+1), "note of 4097 bytes is longer than 4096"},
	} {
		assert.ErrorContains(t, l.Feedback(context.Background(), tc.id, tc.score, tc.note), tc.want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = l.Feedback(ctx, "d1", 1, "")
	if err != nil { // the record may win the race with the cancelled context
		assert.ErrorIs(t, err, context.Canceled)
	}
}

func nan() float64 { var z float64; return z / z }

// TestNoAPIKeys: keys in provider errors, URLs and a pasted prompt never
// reach the files; the Decision's JSON form has no field for one.
func TestNoAPIKeys(t *testing.T) {
	secrets := []string{
		"sk-proj-abcdefghijklmnopqrstuvwxyz0123",
		"AIzaSyA1234567890abcdefghijklmnopqrstuv",
		"sk-ant-api03-abcdefghijklmnopqrstuvwxyz",
		"tok_0123456789abcdefZZ",
		"gsk_abcdefghijklmnopqrstuvwxyz",
	}
	dir := t.TempDir()
	clock := routertest.NewClock(testStart)
	l, err := Open(dir, Options{PromptText: TextFull, AnswerText: TextFull, Clock: clock})
	require.NoError(t, err)
	r, err := llmrouter.New([]llmrouter.Provider{
		routertest.NewProvider(cheapCard, routertest.Fail(errors.New(`Post "https://generativelanguage.googleapis.com/v1beta/models/x:generateContent?key=`+secrets[1]+`&alt=sse": dial tcp: i/o timeout`))),
		routertest.NewProvider(strongCard, routertest.Fail(errors.New("401 Incorrect API key provided: "+secrets[0]+"; header Authorization: Bearer "+secrets[3]))),
	}, llmrouter.WithSink(l), llmrouter.WithClock(clock))
	require.NoError(t, err)
	_, err = r.GenerateContent(context.Background(), human("my keys are "+secrets[2]+" and "+secrets[4]+", please check them"))
	require.Error(t, err)
	require.NoError(t, l.Close())

	files, err := Files(dir)
	require.NoError(t, err)
	require.Len(t, files, 1)
	raw, err := os.ReadFile(files[0])
	require.NoError(t, err)
	for _, s := range secrets {
		assert.NotContains(t, string(raw), s)
	}
	assert.Equal(t, 2+2*3, strings.Count(string(raw), "[REDACTED]"), "two in the prompt; three in the errors, each in its attempt and in the decision's error")
	entries, _ := scanAll(t, dir)
	require.Len(t, entries, 1, "the scrubbed line is still a valid record")
	assert.Contains(t, entries[0].Decision.Features.Text, "please check them")

	// The JSON form itself: no field that could hold a credential.
	b, err := json.Marshal(entries[0].Decision)
	require.NoError(t, err)
	var form map[string]any
	require.NoError(t, json.Unmarshal(b, &form))
	for _, k := range jsonKeys(form, "") {
		lk := strings.ToLower(k)
		for _, bad := range []string{"key", "secret", "password", "authorization", "credential", "api_", "bearer"} {
			assert.NotContains(t, lk, bad, "decision JSON field %s", k)
		}
	}
}

// jsonKeys lists every key of a decoded JSON value, dotted.
func jsonKeys(v any, prefix string) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			out = append(out, prefix+k)
			out = append(out, jsonKeys(x, prefix+k+".")...)
		}
	case []any:
		for _, x := range v {
			out = append(out, jsonKeys(x, prefix)...)
		}
	}
	return out
}

func TestScrub(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`"error":"bad key sk-proj-abcdefghijklmnopqrstuvwx"`, `"error":"bad key [REDACTED]"`},
		{`"u":"https://x/y?alt=sse\u0026key=AIzaSyA1234567890abcdefghijklmnopqrstuv\u0026z=1"`, `"u":"https://x/y?alt=sse\u0026key=[REDACTED]\u0026z=1"`},
		{`"h":"Authorization: Bearer abc.def-ghi_jkl"`, `"h":"Authorization: Bearer [REDACTED]"`},
		{`"aws":"AKIAABCDEFGHIJKLMNOP"`, `"aws":"[REDACTED]"`},
		{`"t":"a task-oriented sk-short risk-taking hf_ key=value-less? no"`, `"t":"a task-oriented sk-short risk-taking hf_ key=value-less? no"`},
		{`"t":"monkey=banana"`, `"t":"monkey=banana"`},
	} {
		got := string(scrub([]byte(tc.in)))
		assert.Equal(t, tc.want, got, tc.in)
		assert.True(t, json.Valid([]byte("{"+got+"}")), got)
	}
}
