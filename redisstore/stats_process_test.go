package redisstore_test

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter/internal/redistest"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// statsProcAddrEnv gives TestStatsProcessChild its Redis address.
const statsProcAddrEnv = "REDISSTORE_STATS_PROC_ADDR"

const statsProcPrefix = "{stats-proc}:"

// TestStatsProcesses: one router in a child process (this test binary,
// re-executed) serves 30 requests and learns their grades; this process's
// router, which served nothing, then routes by the child's observed
// latencies and holds exactly the arms the child learnt.
func TestStatsProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocess test")
	}
	srv := redistest.Start(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestStatsProcessChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), statsProcAddrEnv+"="+srv.Addr)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	require.NoError(t, err, "the child failed")
	var arms string
	var cheap, strong int
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "STATS ") {
			_, err := fmt.Sscanf(line, "STATS %d %d %s", &cheap, &strong, &arms)
			require.NoError(t, err)
		}
	}
	require.NotEmpty(t, arms, "the child reported no STATS line; its output:\n%s", out)
	t.Logf("child (pid %d) answered %d with cheap, %d with strong", cmd.Process.Pid, cheap, strong)

	clock := routertest.NewClock(start.Add(time.Minute)) // this process's clock, a minute on
	b := newStatsReplicaOn(t, srv.Addr, statsProcPrefix, clock, 2, 5*time.Second)
	b.sync(t) // reads what the child sent
	assert.Equal(t, arms, hex.EncodeToString(b.arms(t)), "this process holds the child's arms")
	now := clock.Now()
	assert.Equal(t, int64(cheap), b.lat.Observed("cheap", 0.5, now).Samples)
	assert.Equal(t, int64(strong), b.lat.Observed("strong", 0.5, now).Samples)
	for _, m := range []struct {
		name string
		n    int
		lat  time.Duration
	}{{"cheap", cheap, 2 * time.Second}, {"strong", strong, 300 * time.Millisecond}} {
		if m.n >= 3 {
			assert.InEpsilon(t, float64(m.lat), float64(b.routedLatency(t, m.name)), 0.026, "routes %s by the child's samples", m.name)
		}
	}
	assert.Zero(t, b.tracker.Stats("cheap").Total.Samples+b.tracker.Stats("strong").Total.Samples, "this process observed nothing itself")
	require.NoError(t, b.lat.Err())
	require.NoError(t, b.learner.Err())
}

// TestStatsProcessChild is the child of TestStatsProcesses; it runs only
// when re-executed with statsProcAddrEnv set.
func TestStatsProcessChild(t *testing.T) {
	addr := os.Getenv(statsProcAddrEnv)
	if addr == "" {
		t.Skip("run by TestStatsProcesses in a child process")
	}
	clock := routertest.NewClock(start)
	a := newStatsReplicaOn(t, addr, statsProcPrefix, clock, 1, 5*time.Second)
	served := a.serve(t, 30)
	clock.Advance(statsSyncEvery)
	a.sync(t) // sends the samples and updates, and reads them back
	require.NoError(t, a.lat.Err())
	require.NoError(t, a.learner.Err())
	w := bufio.NewWriter(os.Stdout)
	fmt.Fprintf(w, "STATS %d %d %s\n", served["cheap"], served["strong"], hex.EncodeToString(a.arms(t)))
	require.NoError(t, w.Flush())
}
