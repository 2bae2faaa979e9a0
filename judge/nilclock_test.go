package judge_test

import (
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/judge"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/require"
)

// A Clock given as a nil pointer passed New's nil check and panicked on a
// worker (the Timeout's timer), outside any recover, taking the process
// down. New now fails naming the option.
func TestNewRejectsNilPointerClock(t *testing.T) {
	jp := llmrouter.NewProvider(judgeCard, &fakeModel{reply: says("[[5]]")})
	var j *judge.Judge
	var err error
	require.NotPanics(t, func() {
		j, err = judge.New(judge.Options{Judge: jp, Feedback: &feedbacks{}, Clock: (*routertest.Clock)(nil)})
	})
	require.Nil(t, j)
	require.EqualError(t, err, "judge: New: Options.Clock is a nil *routertest.Clock (did its constructor fail?)")
}
