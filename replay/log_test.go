package replay

import (
	"context"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

func testRouter(t testing.TB, opts ...llmrouter.Option) *llmrouter.Router {
	ps := []llmrouter.Provider{
		routertest.NewProvider(llmrouter.ModelCard{Name: "small", InputPerMTok: 0.2, OutputPerMTok: 0.6, Quality: 0.7}),
		routertest.NewProvider(llmrouter.ModelCard{Name: "large", InputPerMTok: 5, OutputPerMTok: 15, Quality: 0.9}),
	}
	r, err := llmrouter.New(ps, opts...)
	require.NoError(t, err)
	return r
}

func route(t testing.TB, r *llmrouter.Router, prompt string) *llmrouter.Decision {
	d, err := r.Route(context.Background(), []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, prompt)})
	require.NoError(t, err)
	return d
}

func TestReadLog(t *testing.T) {
	r := testRouter(t)
	dir := t.TempDir()
	lf := newLogFile(t, dir, "a.jsonl")
	d1, d2, d3 := route(t, r, "hello"), route(t, r, "prove the theorem"), route(t, r, "no feedback")
	lf.decision(d1, ptr(0.25), 0.5)
	lf.decision(d2, nil, 2) // an older writer: no propensity
	lf.decision(d3, ptr(0.5), 1)
	lf.decision(d1, ptr(0.5), 0.7) // the same id again: the first is kept, the copy counted
	lf.feedback(d1.ID, 0.2)
	lf.feedback(d2.ID, 1)
	lf.feedback(d1.ID, 0.9) // later feedback replaces earlier
	lf.feedback("elsewhere", 1)
	lf.raw(`{"v":1,"kind":"feedb`) // torn last line

	logged, st, err := ReadLog(dir)
	require.NoError(t, err)
	require.Len(t, logged, 2)
	assert.Equal(t, LogStats{Decisions: 4, Feedback: 4, Joined: 2, NoPropensity: 1,
		DuplicateDecisions: 1, UnmatchedFeedback: 1, Scan: st.Scan}, st)
	assert.Equal(t, 1, st.Scan.Torn)
	l := logged[0]
	assert.Equal(t, d1.ID, l.ID)
	assert.Equal(t, "hello", l.Prompt)
	assert.True(t, l.PromptFull)
	assert.Equal(t, d1.Model, l.Model)
	assert.Equal(t, 0.25, l.Propensity)
	assert.True(t, l.HasPropensity)
	assert.Equal(t, 0.9, l.Score)
	assert.Equal(t, 0.5, l.Cost)
	assert.Len(t, l.Predicted, 2)
	assert.InDelta(t, d1.Candidates[0].Cost, l.EstCost["small"], 1e-15)
	assert.Equal(t, 1.0, logged[1].Propensity, "none recorded: deterministic")
	assert.False(t, logged[1].HasPropensity)
}

func TestReadLogBadPropensity(t *testing.T) {
	for _, p := range []float64{0, 1.5, -0.1} {
		r := testRouter(t)
		dir := t.TempDir()
		lf := newLogFile(t, dir, "a.jsonl")
		d := route(t, r, "hello")
		lf.decision(d, ptr(p), 0)
		lf.feedback(d.ID, 1)
		_, _, err := ReadLog(dir)
		require.ErrorContains(t, err, "a.jsonl:1: decision "+d.ID+": propensity")
	}
	_, _, err := ReadLog(t.TempDir() + "/missing")
	require.Error(t, err)
}

func TestExact(t *testing.T) {
	recs := mustRecords(t, `{"id":"1","prompt":"hi","outcomes":{"small":{"score":1,"cost":0.1},"large":{"score":1,"cost":2}}}
{"id":"2","prompt":"hard","outcomes":{"small":{"score":0,"cost":0.1},"large":{"score":1,"cost":3}}}
`)
	pick := map[string]string{"hi": "small", "hard": "large"}
	res, err := Exact(context.Background(), recs, func(_ context.Context, p string) (string, error) { return pick[p], nil })
	require.NoError(t, err)
	assert.Equal(t, ExactResult{N: 2, Quality: 1, Cost: 1.55, Costed: 2, Chosen: map[string]int{"small": 1, "large": 1}}, res)

	_, err = Exact(context.Background(), recs, func(context.Context, string) (string, error) { return "huge", nil })
	require.ErrorContains(t, err, `record "1" (line 1): no outcome for "huge"`)

	cards, err := CardsFromOutcomes(recs)
	require.NoError(t, err)
	require.Len(t, cards, 2)
	assert.Equal(t, "large", cards[0].Name)
	assert.InDelta(t, 2500, cards[0].InputPerMTok, 1e-9)
	assert.InDelta(t, 0.5, cards[1].Quality, 1e-12)
	r := testRouter(t)
	res, err = Exact(context.Background(), recs, RouterChooser(r))
	require.NoError(t, err)
	assert.Equal(t, 2, res.N)
}
