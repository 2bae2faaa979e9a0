package decisionlog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// within fails t unless ch delivers before a generous bound: a call that
// hangs fails the test instead of the test binary's timeout.
func within[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	timer := time.NewTimer(10 * time.Second)
	defer timer.Stop()
	select {
	case v := <-ch:
		return v
	case <-timer.C:
		t.Fatalf("%s did not return", what)
		panic("unreachable")
	}
}

// TestFeedbackContextWhileWriteBlocks: a Feedback whose context ends
// while the disk holds the log's write returns the context's error at
// once, not when the disk answers; the record may still be written (it
// is, here), and Close then writes everything and stops.
func TestFeedbackContextWhileWriteBlocks(t *testing.T) {
	for _, end := range []struct {
		name string
		ctx  func() (context.Context, func())
		want error
	}{
		{"cancelled", func() (context.Context, func()) { return context.WithCancel(context.Background()) }, context.Canceled},
		{"deadline", func() (context.Context, func()) {
			ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(time.Hour))
			return &endable{Context: ctx, done: make(chan struct{})}, cancel
		}, context.DeadlineExceeded},
	} {
		t.Run(end.name, func(t *testing.T) {
			dir := t.TempDir()
			g := &gate{open: make(chan struct{}), entered: make(chan struct{}, 1)}
			l, err := Open(dir, Options{wrapFile: func(w io.Writer) io.Writer { g.w = w; return g }})
			require.NoError(t, err)
			ctx, cancel := end.ctx()
			defer cancel()
			res := make(chan error, 1)
			go func() { res <- l.Feedback(ctx, "d1", 1, "") }()
			<-g.entered // the write of the grade blocks
			if e, ok := ctx.(*endable); ok {
				e.end()
			} else {
				cancel()
			}
			assert.ErrorIs(t, within(t, res, "Feedback"), end.want)
			close(g.open)
			require.NoError(t, l.Close())
			entries, _ := scanAll(t, dir)
			require.Len(t, entries, 1, "the grade reached the log when the disk answered")
			assert.Equal(t, "d1", entries[0].ID)
			assert.True(t, routertest.Eventually(func() bool { return logGoroutines() == 0 }), "a goroutine of the package is left after Close")
		})
	}
}

// endable is a context whose deadline passes when end is called (a
// deadline on no clock: the test decides when).
type endable struct {
	context.Context
	once sync.Once
	done chan struct{}
}

func (e *endable) end()                  { e.once.Do(func() { close(e.done) }) }
func (e *endable) Done() <-chan struct{} { return e.done }
func (e *endable) Err() error {
	select {
	case <-e.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

// TestCloseConcurrentWithUse: Close while many goroutines record
// decisions, answers and grades: nothing panics or hangs, every Feedback
// returns nil or ErrClosed, each nil is a grade on disk (Feedback's
// promise holds up to the end), every decision is either written or
// counted dropped but for those racing with Close (see Close), Close
// twice is safe, and no goroutine is left.
func TestCloseConcurrentWithUse(t *testing.T) {
	dir := t.TempDir()
	clock := routertest.NewClock(testStart)
	l, err := Open(dir, Options{AnswerText: TextFull, QueueSize: 64, SyncEvery: 7})
	require.NoError(t, err)
	r := newRouter(t, clock, []llmrouter.Sink{l})
	const workers, each = 8, 40
	var wg sync.WaitGroup
	var mu sync.Mutex
	graded := map[string]bool{}
	start := make(chan struct{})
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for i := range each {
				resp, err := r.GenerateContent(context.Background(), human(fmt.Sprintf("w%d q%d", w, i)))
				if !assert.NoError(t, err) {
					return
				}
				l.RecordAnswer(resp)
				id := fmt.Sprintf("g%d-%d", w, i)
				switch err := l.Feedback(context.Background(), id, 1, ""); {
				case err == nil:
					mu.Lock()
					graded[id] = true
					mu.Unlock()
				case !errors.Is(err, ErrClosed):
					t.Errorf("Feedback %s: %v", id, err)
				}
			}
		}()
	}
	closed := make(chan error, 2)
	close(start)
	go func() { closed <- l.Close() }()
	go func() { closed <- l.Close() }()
	require.NoError(t, within(t, closed, "Close"))
	require.NoError(t, within(t, closed, "the second Close"))
	wg.Wait()

	entries, _ := scanAll(t, dir)
	kinds := map[Kind]int{}
	onDisk := map[string]bool{}
	for _, e := range entries {
		kinds[e.Kind]++
		if e.Kind == KindFeedback {
			onDisk[e.ID] = true
		}
	}
	assert.Equal(t, graded, onDisk, "each grade Feedback accepted is on disk, and only those")
	st := l.Stats()
	assert.Equal(t, st.Written, st.Synced, "Close fsyncs what was written")
	assert.Equal(t, int64(len(entries)), st.Written)
	assert.LessOrEqual(t, int64(kinds[KindDecision]+kinds[KindAnswer])+st.Dropped, int64(2*workers*each), "records lost racing with Close go uncounted, none is counted twice")
	assert.True(t, routertest.Eventually(func() bool { return logGoroutines() == 0 }), "a goroutine of the package is left after Close")

	// After Close: every method returns at once, without panicking.
	before := l.Stats().Dropped
	l.Record(&llmrouter.Decision{ID: "late"})
	l.RecordAnswer(&llms.ContentResponse{})
	assert.ErrorIs(t, l.Feedback(context.Background(), "late", 1, ""), ErrClosed)
	assert.Equal(t, before+1, l.Stats().Dropped, "a decision after Close is counted dropped")
	assert.NoError(t, l.Close())
}
