package judge_test

import (
	"context"
	"testing"

	"github.com/llmrouter/llmrouter/judge"
	"github.com/stretchr/testify/assert"
	"github.com/tmc/langchaingo/llms"
)

// A Judge New did not make (its zero value) says so: Submit, SubmitItem
// and Wrap panic naming New, Close returns that error, and Stats reads
// all zeros. Submit and SubmitItem panicked with a nil pointer
// dereference and Close with "close of nil channel".
func TestZeroJudge(t *testing.T) {
	const want = "judge: Judge not made by New (its zero value is not usable)"
	var j judge.Judge
	assert.PanicsWithValue(t, want, func() { j.Submit(&llms.ContentResponse{}) })
	assert.PanicsWithValue(t, want, func() { j.SubmitItem(judge.Item{ID: "x", Prompt: "p", Answer: "a"}) })
	assert.PanicsWithValue(t, want, func() { j.Wrap(nil) })
	assert.NotPanics(t, func() { assert.EqualError(t, j.Close(context.Background()), want) })
	assert.Equal(t, judge.Stats{}, j.Stats())
}
