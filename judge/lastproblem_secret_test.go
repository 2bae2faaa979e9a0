package judge_test

import (
	"context"
	"errors"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/judge"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Stats.LastProblem is a string made to be shown or logged, and a failed
// judge call's transport error quotes the request URL, where some clients
// put the API key (?key=…). It carried the key verbatim; it is now redacted
// as decisionlog and the telemetry sinks redact it. Result.Err, the
// caller's own error chain, is unchanged.
func TestLastProblemRedactsAPIKeys(t *testing.T) {
	const key = "AIzaSyD-0123456789abcdefghijklmnopqrstu"
	model := &fakeModel{reply: func(context.Context, string, string) (string, error) {
		return "", errors.New(`Post "https://generativelanguage.googleapis.com/v1beta/models/j:generateContent?key=` + key + `": i/o timeout`)
	}}
	onResult, ch := results()
	j, err := judge.New(judge.Options{Judge: llmrouter.NewProvider(judgeCard, model), OnResult: onResult, Rate: 1, Rand: always})
	require.NoError(t, err)
	j.SubmitItem(judge.Item{ID: "x", Model: "m", Prompt: "q", Answer: "a"})
	res := next(t, ch)
	require.NoError(t, j.Close(context.Background()))
	require.ErrorContains(t, res.Err, key, "the caller's error chain is theirs")
	last := j.Stats().LastProblem
	require.Contains(t, last, "i/o timeout")
	assert.NotContains(t, last, key)
	assert.Contains(t, last, "[REDACTED]")
}
