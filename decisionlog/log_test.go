package decisionlog

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLogRoundTrip: every decision and answer comes back from the files,
// its JSON identical but for the text and user, logged as each mode says.
func TestLogRoundTrip(t *testing.T) {
	const prompt, user = "What is 2+2?", "alice@example.com"
	pseudonym := func() string { // what the router itself writes under the same key
		var d *llmrouter.Decision
		r := newRouter(t, routertest.NewClock(testStart), []llmrouter.Sink{llmrouter.SinkFunc(func(x *llmrouter.Decision) { d = x })},
			llmrouter.WithUserRedaction(llmrouter.UserRedaction{HashKey: testKey}))
		generate(t, r, user, prompt)
		return d.Hints.User
	}()
	require.True(t, strings.HasPrefix(pseudonym, "uh_"))

	for _, tc := range []struct {
		name             string
		opts             Options
		wantPrompt       string
		wantAnswer       string // "" and wantAnswers 0: no answer records
		wantAnswers      int
		wantUser         string
		wantPromptPrefix string
	}{
		{name: "default: no text, user verbatim", wantUser: user},
		{name: "hashed", opts: Options{PromptText: TextHashed, AnswerText: TextHashed, HashUsers: true, HashKey: testKey},
			wantPrompt: keyedHash(testKey, "th_", prompt), wantAnswer: keyedHash(testKey, "th_", "cheap answer"), wantAnswers: 3, wantUser: pseudonym},
		{name: "full", opts: Options{PromptText: TextFull, AnswerText: TextFull}, wantPrompt: prompt, wantAnswer: "cheap answer", wantAnswers: 3, wantUser: user},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			clock := routertest.NewClock(testStart)
			tc.opts.Clock = clock
			l, err := Open(dir, tc.opts)
			require.NoError(t, err)
			var got []*llmrouter.Decision
			r := newRouter(t, clock, []llmrouter.Sink{l, llmrouter.SinkFunc(func(d *llmrouter.Decision) { got = append(got, d) })})
			for range 3 {
				l.RecordAnswer(generate(t, r, user, prompt))
			}
			require.NoError(t, l.Close())
			st := l.Stats()
			assert.Equal(t, Stats{Written: int64(3 + tc.wantAnswers), Synced: int64(3 + tc.wantAnswers), Files: 1, Syncs: st.Syncs}, st)

			entries, sst := scanAll(t, dir)
			assert.Equal(t, ScanStats{Files: 1, Entries: 3 + tc.wantAnswers}, sst)
			var decisions, answers []*Entry
			for _, e := range entries {
				switch e.Kind {
				case KindDecision:
					decisions = append(decisions, e)
				case KindAnswer:
					answers = append(answers, e)
				}
			}
			require.Len(t, decisions, 3)
			for i, e := range decisions {
				assert.Equal(t, tc.opts.PromptText, e.PromptText)
				assert.Equal(t, tc.wantPrompt, e.Decision.Features.Text)
				assert.Equal(t, tc.wantUser, e.Decision.Hints.User)
				want := *got[i]
				want.Features.Text, want.Hints.User = tc.wantPrompt, tc.wantUser
				wantJSON, err := json.Marshal(&want)
				require.NoError(t, err)
				gotJSON, err := json.Marshal(e.Decision)
				require.NoError(t, err)
				assert.JSONEq(t, string(wantJSON), string(gotJSON), "the Decision's stable JSON form, read back")
			}
			assert.Equal(t, prompt, got[0].Features.Text, "the router's decision is not modified")
			require.Len(t, answers, tc.wantAnswers)
			for i, a := range answers {
				assert.Equal(t, got[i].ID, a.ID)
				assert.Equal(t, "cheap", a.Model)
				assert.Equal(t, tc.wantAnswer, a.Answer)
				assert.Equal(t, tc.opts.AnswerText, a.AnswerText)
			}
		})
	}
}

func TestOpenOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		{"hashed prompt without key", Options{PromptText: TextHashed}, "HashKey must be at least 16 bytes"},
		{"hashed users with a short key", Options{HashUsers: true, HashKey: []byte("short")}, "HashKey must be at least 16 bytes"},
		{"unknown mode", Options{AnswerText: 7}, "Options.AnswerText: unknown mode 7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(t.TempDir(), tc.opts)
			require.ErrorContains(t, err, tc.want)
		})
	}
	_, err := Open("", Options{})
	require.ErrorContains(t, err, "no directory")
}

// TestQueueFullDrops: with the writer stuck, Record never blocks; the
// queue takes QueueSize decisions and the rest are dropped and counted.
func TestQueueFullDrops(t *testing.T) {
	dir := t.TempDir()
	clock := routertest.NewClock(testStart)
	g := &gate{open: make(chan struct{}), entered: make(chan struct{}, 1)}
	l, err := Open(dir, Options{QueueSize: 4, Clock: clock, wrapFile: func(w io.Writer) io.Writer { g.w = w; return g }})
	require.NoError(t, err)
	r := newRouter(t, clock, []llmrouter.Sink{l})
	generate(t, r, "", "first")
	<-g.entered // the writer holds the first decision, blocked in its write
	for range 10 {
		generate(t, r, "", "more")
	}
	assert.Equal(t, int64(10-4), l.Stats().Dropped)
	close(g.open)
	require.NoError(t, l.Close())
	entries, _ := scanAll(t, dir)
	assert.Len(t, entries, 1+4)
	assert.Equal(t, Stats{Dropped: 6, Written: 5, Synced: 5, Files: 1, Syncs: l.Stats().Syncs}, l.Stats())
}

// TestSyncPolicy: records are fsynced after SyncEvery records, after
// SyncInterval, by Feedback and on Close.
func TestSyncPolicy(t *testing.T) {
	dir := t.TempDir()
	clock := routertest.NewClock(testStart) // the log's: the router's fake providers advance their own
	l, err := Open(dir, Options{SyncEvery: 3, SyncInterval: time.Second, Clock: clock})
	require.NoError(t, err)
	r := newRouter(t, routertest.NewClock(testStart), []llmrouter.Sink{l})
	waitStats := func(cond func(Stats) bool) {
		t.Helper()
		require.True(t, routertest.Eventually(func() bool { return cond(l.Stats()) }), "stats %+v", l.Stats())
	}

	generate(t, r, "", "one")
	waitStats(func(s Stats) bool { return s.Written == 1 })
	require.True(t, clock.WaitForWaiters(1), "the interval timer is armed")
	assert.Equal(t, int64(0), l.Stats().Synced, "not yet synced: under SyncEvery, before SyncInterval")
	clock.Advance(time.Second)
	waitStats(func(s Stats) bool { return s.Synced == 1 && s.Syncs == 1 })

	for i := range 3 {
		generate(t, r, "", "more")
		waitStats(func(s Stats) bool { return s.Written == int64(2+i) })
	}
	waitStats(func(s Stats) bool { return s.Synced == 4 && s.Syncs == 2 }) // SyncEvery reached, no clock advance

	generate(t, r, "", "five")
	waitStats(func(s Stats) bool { return s.Written == 5 })
	require.NoError(t, l.Feedback(context.Background(), "d00001", 1, ""))
	assert.Equal(t, int64(6), l.Stats().Synced, "Feedback returns once its record (and those before it) is fsynced")

	generate(t, r, "", "six")
	require.NoError(t, l.Close())
	s := l.Stats()
	assert.Equal(t, int64(7), s.Written)
	assert.Equal(t, s.Written, s.Synced, "Close fsyncs")
}

// TestRotation: files rotate before they would pass MaxFileBytes, and the
// reader reads them back in order.
func TestRotation(t *testing.T) {
	dir := t.TempDir()
	clock := routertest.NewClock(testStart)
	l, err := Open(dir, Options{PromptText: TextFull, MaxFileBytes: 8 << 10, Clock: clock})
	require.NoError(t, err)
	r := newRouter(t, clock, []llmrouter.Sink{l})
	const n = 40
	for range n {
		generate(t, r, "", strings.Repeat("a fairly long prompt ", 20))
	}
	require.NoError(t, l.Close())
	files, err := Files(dir)
	require.NoError(t, err)
	require.Greater(t, len(files), 3)
	assert.Equal(t, int64(len(files)), l.Stats().Files)
	for _, f := range files {
		fi, err := os.Stat(f)
		require.NoError(t, err)
		assert.LessOrEqual(t, fi.Size(), int64(8<<10), f)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	}
	entries, st := scanAll(t, dir)
	assert.Equal(t, len(files), st.Files)
	require.Len(t, entries, n)
	for i, e := range entries {
		assert.Equal(t, decisionID(i+1), e.ID, "log order across files")
	}
}

// TestWriteErrorNewFile: a failed write loses its batch, is reported by
// Err and Stats.Failed, and the log goes on in a new file.
func TestWriteErrorNewFile(t *testing.T) {
	dir := t.TempDir()
	clock := routertest.NewClock(testStart)
	failed := false
	l, err := Open(dir, Options{Clock: clock, wrapFile: func(w io.Writer) io.Writer { return failOnce{w: w, failed: &failed} }})
	require.NoError(t, err)
	r := newRouter(t, clock, []llmrouter.Sink{l})
	generate(t, r, "", "lost")
	require.True(t, routertest.Eventually(func() bool { return l.Stats().Failed == 1 }))
	require.ErrorContains(t, l.Err(), "disk full (injected)")
	generate(t, r, "", "kept")
	require.ErrorContains(t, l.Close(), "disk full (injected)")
	entries, _ := scanAll(t, dir)
	require.Len(t, entries, 1)
	assert.Equal(t, "d00002", entries[0].ID)
	assert.Equal(t, int64(2), l.Stats().Files)
}

// TestCloseStopsGoroutine: Close flushes and stops the log's goroutine,
// even with a sync timer pending; afterwards Record drops and Feedback
// fails.
func TestCloseStopsGoroutine(t *testing.T) {
	dir := t.TempDir()
	clock := routertest.NewClock(testStart)
	l, err := Open(dir, Options{Clock: clock})
	require.NoError(t, err)
	r := newRouter(t, clock, []llmrouter.Sink{l})
	generate(t, r, "", "one")
	require.True(t, clock.WaitForWaiters(1), "a sync is pending on the clock")
	require.Equal(t, 1, logGoroutines(), "the log's goroutine runs")
	require.NoError(t, l.Close())
	require.NoError(t, l.Close(), "twice is safe")
	assert.True(t, routertest.Eventually(func() bool { return logGoroutines() == 0 }), "a goroutine of the package is left after Close")
	assert.Equal(t, int64(1), l.Stats().Synced)

	generate(t, r, "", "after close")
	assert.Equal(t, int64(1), l.Stats().Dropped)
	assert.ErrorIs(t, l.Feedback(context.Background(), "d00001", 1, ""), ErrClosed)
	entries, _ := scanAll(t, dir)
	assert.Len(t, entries, 1)
}

func TestNoFileBeforeFirstRecord(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "log")
	l, err := Open(dir, Options{})
	require.NoError(t, err)
	require.NoError(t, l.Close())
	files, err := Files(dir)
	require.NoError(t, err)
	assert.Empty(t, files)
	fi, err := os.Stat(dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm())
}

func decisionID(n int) string { return fmt.Sprintf("d%05d", n) }

// logGoroutines counts the goroutines running this package's code
// (goleak-style: from every goroutine's stack).
func logGoroutines() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	n := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "llmrouter/decisionlog.") && !strings.Contains(g, "decisionlog.logGoroutines") && !strings.Contains(g, "testing.tRunner") {
			n++
		}
	}
	return n
}
