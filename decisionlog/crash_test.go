package decisionlog

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	crashModeEnv = "DECISIONLOG_CRASH_CHILD"
	crashDirEnv  = "DECISIONLOG_CRASH_DIR"
	// tornAfter is how many bytes the "torn" child writes before it stops
	// in the middle of a record and waits to be killed.
	tornAfter = 300 << 10
)

// TestCrashKill9 runs a writer in a child process (this test binary,
// re-executed), kills it with SIGKILL while it writes, and reads the log:
// every record before the torn one is read back, in order, with no gap;
// the torn last line is skipped with a message. Mode "torn" stops the
// child in the middle of a record's write before the kill, so a torn line
// is certain; mode "any" kills it wherever it is. Then another process
// (here: another Log on the same directory) gives feedback, which the
// export joins.
func TestCrashKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocess test")
	}
	for _, mode := range []string{"torn", "any"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
			cmd.Env = append(os.Environ(), crashModeEnv+"="+mode, crashDirEnv+"="+dir)
			cmd.Stderr = os.Stderr
			out, err := cmd.StdoutPipe()
			require.NoError(t, err)
			require.NoError(t, cmd.Start())
			recorded := make(chan int, 1)
			go func() { // the child prints how many decisions it recorded, then READY
				n := 0
				sc := bufio.NewScanner(out)
				for sc.Scan() {
					if v, err := strconv.Atoi(sc.Text()); err == nil {
						n = v
					}
					if sc.Text() == "READY" {
						recorded <- n
						io.Copy(io.Discard, out)
						return
					}
				}
				recorded <- -1
			}()
			var atLeast int
			select {
			case atLeast = <-recorded:
			case <-time.After(2 * time.Minute): // a bound on a hung child, not a wait for time to pass
				cmd.Process.Kill()
				t.Fatal("the child never became ready")
			}
			require.NoError(t, cmd.Process.Kill()) // SIGKILL: no deferred code, no flush
			_ = cmd.Wait()
			require.Positive(t, atLeast, "the child reported no progress")

			files, err := Files(dir)
			require.NoError(t, err)
			newlines := 0
			for _, f := range files {
				b, err := os.ReadFile(f)
				require.NoError(t, err)
				newlines += bytes.Count(b, []byte("\n"))
			}
			entries, st := scanAll(t, dir)
			require.Len(t, entries, newlines, "every complete line is read")
			for i, e := range entries {
				require.Equal(t, decisionID(i+1), e.ID, "no record lost or reordered before the torn line")
				require.Equal(t, KindDecision, e.Kind)
			}
			if mode == "torn" {
				require.Equal(t, 1, st.Torn)
			}
			require.LessOrEqual(t, st.Torn, 1, "only the last file can be torn")
			if st.Torn == 1 {
				assert.Contains(t, st.Messages[0], filepath.Base(files[len(files)-1]), "the torn line is in the last file")
			}
			t.Logf("crash test (%s): the child recorded at least %d decisions; read back %d whole records from %d files; %d torn line(s) skipped: %v",
				mode, atLeast, len(entries), len(files), st.Torn, st.Messages)

			// Days later, another process gives feedback; the export joins it.
			l, err := Open(dir, Options{})
			require.NoError(t, err)
			require.NoError(t, l.Feedback(context.Background(), decisionID(1), 1, "from another process"))
			require.NoError(t, l.Close())
			var buf bytes.Buffer
			est, err := ExportOutcomes(dir, &buf)
			require.NoError(t, err)
			assert.Equal(t, 1, est.Rows, est.String())
			assert.Contains(t, buf.String(), `"id":"d00001"`)
		})
	}
}

// TestCrashChild is the child of TestCrashKill9; it does nothing unless
// run by it.
func TestCrashChild(t *testing.T) {
	mode := os.Getenv(crashModeEnv)
	if mode == "" {
		t.Skip("run by TestCrashKill9")
	}
	opts := Options{PromptText: TextFull, MaxFileBytes: 128 << 10, bufSize: 4 << 10}
	if mode == "torn" {
		opts.wrapFile = func(w io.Writer) io.Writer { return &tearWriter{w: w} }
	}
	l, err := Open(os.Getenv(crashDirEnv), opts)
	if err != nil {
		panic(err)
	}
	r := newRouter(t, routertest.NewClock(testStart).SetAutoAdvance(true), []llmrouter.Sink{l})
	prompt := strings.Repeat("Explain, step by step, why the sky is blue. ", 12)
	for i := 1; ; i++ {
		dropped := l.Stats().Dropped
		resp := generate(t, r, "", prompt)
		for l.Stats().Dropped != dropped { // queue full: record it again, so the ids stay contiguous
			dropped = l.Stats().Dropped
			runtime.Gosched()
			d, _ := llmrouter.DecisionFrom(resp)
			l.Record(d)
		}
		if i%50 == 0 { // often enough to report before the torn write (about 300 KB in)
			fmt.Println(i)
		}
		if mode == "any" && i == 3000 {
			fmt.Println("READY")
		}
	}
}

// tearWriter writes normally until tornAfter bytes, then writes part of a
// record, says READY and blocks: the process is killed mid-record.
type tearWriter struct {
	w io.Writer
}

var tornTotal int // bytes over all files of the child

func (t *tearWriter) Write(p []byte) (int, error) {
	if tornTotal+len(p) < tornAfter {
		tornTotal += len(p)
		return t.w.Write(p)
	}
	k := len(p) / 2
	for k > 1 && (p[k-1] == '\n' || p[k] == '\n') { // end the file mid-record
		k--
	}
	t.w.Write(p[:k])
	fmt.Println("READY")
	select {}
}
