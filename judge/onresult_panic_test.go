package judge_test

import (
	"bytes"
	"context"
	"log"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/judge"
)

type lockedLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedLog) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// TestOnResultPanic: a panicking OnResult neither kills the worker (an
// unrecovered panic on a goroutine ends the process) nor keeps the next
// items from being judged; it is logged with its stack, like a router's
// sink, and named in Stats.LastProblem.
func TestOnResultPanic(t *testing.T) {
	var logged lockedLog
	out, flags := log.Writer(), log.Flags()
	log.SetOutput(&logged)
	defer func() { log.SetOutput(out); log.SetFlags(flags) }()

	jm := &fakeModel{reply: says("[[10]]")}
	fb := &feedbacks{}
	onResult := func(r judge.Result) {
		if r.ID == "first" {
			panic("on result boom")
		}
	}
	j, err := judge.New(judge.Options{Judge: llmrouter.NewProvider(judgeCard, jm), Feedback: fb, OnResult: onResult,
		Rate: 1, Rand: always, Workers: 1})
	require.NoError(t, err)
	for _, id := range []string{"first", "second"} {
		j.SubmitItem(judge.Item{ID: id, Model: "m", Prompt: "2+2?", Answer: "4"})
	}
	require.NoError(t, j.Close(context.Background()))
	require.Len(t, fb.all(), 2, "the worker judged the item after the panic")
	st := j.Stats()
	assert.Equal(t, int64(2), st.Graded)
	assert.Contains(t, st.LastProblem, `judge: Options.OnResult panicked on decision "first": on result boom`)
	assert.Contains(t, logged.String(), `judge: Options.OnResult panicked on decision "first": on result boom`)
	assert.Contains(t, logged.String(), "onresult_panic_test.go", "the stack is logged")
}
