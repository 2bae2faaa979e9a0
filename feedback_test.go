package llmrouter_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

func TestFeedbackLogLoop(t *testing.T) {
	clock := routertest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	log := llmrouter.NewFeedbackLog(0)
	ps := []llmrouter.Provider{
		routertest.NewProvider(cheapCard, routertest.Response{Text: "a", InputTokens: 1000, OutputTokens: 100, Latency: 300 * time.Millisecond}).WithClock(clock),
		routertest.NewProvider(strongCard, routertest.Response{Text: "b"}).WithClock(clock),
	}
	r, err := llmrouter.New(ps, llmrouter.WithSink(log), llmrouter.WithClock(clock))
	require.NoError(t, err)

	resp, err := r.GenerateContent(context.Background(), human("What is 2+2?"))
	require.NoError(t, err)
	d, _ := llmrouter.DecisionFrom(resp)
	require.Equal(t, "cheap", d.Answered)
	_, err = r.GenerateContent(context.Background(), human("no feedback for this one"))
	require.NoError(t, err)
	assert.Equal(t, 2, log.Len())

	require.NoError(t, log.Feedback(d.ID, 0))
	require.NoError(t, log.FeedbackFor(d.ID, "strong", 1), "a judge scored the strong model too")

	var buf bytes.Buffer
	require.NoError(t, log.Export(&buf))
	ds, err := dataset.Read(&buf)
	require.NoError(t, err, "the export is a valid outcomes dataset")
	require.Len(t, ds.Records, 1, "only decisions with feedback")
	rec := ds.Records[0]
	assert.Equal(t, d.ID, rec.ID)
	assert.Equal(t, "What is 2+2?", rec.Prompt)
	assert.Equal(t, d.Prediction.Label, rec.Task)
	assert.Equal(t, 0.0, rec.Outcomes["cheap"].Score)
	cost, ok := rec.Outcomes["cheap"].CostValue()
	assert.True(t, ok)
	assert.InDelta(t, cheapCard.Cost(1000, 100), cost, 1e-15)
	assert.Equal(t, 300.0, rec.Outcomes["cheap"].LatencyMS)
	assert.Equal(t, 1.0, rec.Outcomes["strong"].Score)
	_, ok = rec.Outcomes["strong"].CostValue()
	assert.False(t, ok, "no cost known for a model that did not answer")
}

func TestFeedbackLogErrors(t *testing.T) {
	log := llmrouter.NewFeedbackLog(2)
	log.Record(&llmrouter.Decision{ID: "a", Answered: "m", Features: llmrouter.Features{Text: "x"}})
	log.Record(&llmrouter.Decision{ID: "failed", Features: llmrouter.Features{Text: "y"}})
	log.Record(nil)
	log.Record(&llmrouter.Decision{})
	assert.Equal(t, 2, log.Len(), "nil and id-less decisions are not kept")

	assert.ErrorIs(t, log.Feedback("nope", 1), llmrouter.ErrUnknownDecision)
	assert.ErrorContains(t, log.Feedback("a", 1.5), "outside [0,1]")
	assert.ErrorContains(t, log.Feedback("a", math.NaN()), "outside [0,1]")
	assert.ErrorContains(t, log.Feedback("failed", 1), "no model answered")
	assert.ErrorContains(t, log.FeedbackFor("a", "", 1), "no model named")
	require.NoError(t, log.Feedback("a", 1))

	log.Record(&llmrouter.Decision{ID: "c", Answered: "m", Features: llmrouter.Features{Text: "z"}})
	assert.Equal(t, 2, log.Len(), "capacity 2: the oldest was evicted")
	assert.ErrorIs(t, log.Feedback("a", 1), llmrouter.ErrUnknownDecision)
	assert.Empty(t, log.Records(), "the scored decision was evicted")
}

func TestFeedbackLogConcurrent(t *testing.T) {
	log := llmrouter.NewFeedbackLog(100)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				id := fmt.Sprintf("%d-%d", g, i)
				log.Record(&llmrouter.Decision{ID: id, Answered: "m", Features: llmrouter.Features{Text: id}})
				_ = log.Feedback(id, 1)
				_ = log.Records()
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 100, log.Len())
}

// ExampleFeedbackLog closes the loop: decisions are kept, users score the
// answers, and the scored requests become training data.
func ExampleFeedbackLog() {
	log := llmrouter.NewFeedbackLog(0)
	r, err := llmrouter.New([]llmrouter.Provider{
		routertest.NewProvider(llmrouter.ModelCard{Name: "small", InputPerMTok: 0.1, OutputPerMTok: 0.4, Quality: 0.7},
			routertest.Response{Text: "4", InputTokens: 10, OutputTokens: 1}),
	}, llmrouter.WithSink(log))
	if err != nil {
		panic(err)
	}
	resp, err := r.GenerateContent(context.Background(), []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "What is 2+2?")})
	if err != nil {
		panic(err)
	}
	id := resp.Choices[0].GenerationInfo[llmrouter.InfoDecisionID].(string)
	if err := log.Feedback(id, 1); err != nil { // the user liked the answer
		panic(err)
	}
	for _, rec := range log.Records() { // or log.Export(w) for `llmrouter train`
		fmt.Printf("%q small=%v\n", rec.Prompt, rec.Outcomes["small"].Score)
	}
	// Output: "What is 2+2?" small=1
}

// A zero FeedbackLog works as NewFeedbackLog(0) does (the style of the
// package: a useful zero value); its Record panicked on a nil map.
func TestFeedbackLogZeroValue(t *testing.T) {
	var l llmrouter.FeedbackLog
	d := &llmrouter.Decision{ID: "d1", Model: "m", Answered: "m", Features: llmrouter.Features{Text: "What is 2+2?"}}
	require.NotPanics(t, func() { l.Record(d) })
	require.Equal(t, 1, l.Len())
	require.NoError(t, l.Feedback("d1", 1))
	recs := l.Records()
	require.Len(t, recs, 1)
	assert.Equal(t, 1.0, recs[0].Outcomes["m"].Score)
	require.ErrorIs(t, l.Feedback("nope", 1), llmrouter.ErrUnknownDecision)
}
