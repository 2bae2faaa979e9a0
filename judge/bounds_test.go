package judge_test

import (
	"context"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/judge"
	"github.com/stretchr/testify/require"
)

// QueueSize and Workers had no upper bound: New made a channel of any
// size (1<<40 crashed the process with "makechan: size out of range"; 1<<30
// reserved gigabytes) and started any number of goroutines. New now
// refuses sizes past MaxQueueSize and MaxWorkers, naming the option.
func TestNewBoundsQueueAndWorkers(t *testing.T) {
	jp := llmrouter.NewProvider(judgeCard, &fakeModel{reply: says("[[5]]")})
	for _, tc := range []struct {
		name string
		opts judge.Options
		want string
	}{
		{"queue", judge.Options{QueueSize: 1 << 30}, "judge: New: Options.QueueSize 1073741824 is above MaxQueueSize (1048576)"},
		{"workers", judge.Options{Workers: 1 << 30}, "judge: New: Options.Workers 1073741824 is above MaxWorkers (4096)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Judge, tc.opts.Feedback = jp, &feedbacks{}
			var err error
			require.NotPanics(t, func() { _, err = judge.New(tc.opts) })
			require.EqualError(t, err, tc.want)
		})
	}
	j, err := judge.New(judge.Options{Judge: jp, Feedback: &feedbacks{}, QueueSize: judge.MaxQueueSize, Workers: 4})
	require.NoError(t, err)
	require.NoError(t, j.Close(context.Background()))
}
