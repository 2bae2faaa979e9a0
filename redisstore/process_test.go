package redisstore_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter/budget"
	"github.com/llmrouter/llmrouter/internal/redistest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The child of TestProcessesShareOneBudget reads its Redis address and
// role from these variables.
const (
	procAddrEnv = "REDISSTORE_PROC_ADDR"
	procRoleEnv = "REDISSTORE_PROC_ROLE"
)

const (
	procReplicas = 4
	procWorkers  = 100
	procLimitUSD = 0.25
)

// procTally is what a child reports on its last line.
type procTally struct {
	role              int
	ok, refused       int64
	charged, maxEstNs budget.Nanos
}

// TestProcessesShareOneBudget is the first figure of issue 12 with real
// processes: four routers, each in its own process (this test binary,
// re-executed) with its own client and store, spend one user's budget at
// once against one Redis. Each child waits for "go" on stdin, so all four
// spend together, and reports what its decisions cost. Overspend stays
// within one in-flight request's estimate per replica, and Redis's total
// is the sum of the costs the children report, exactly.
func TestProcessesShareOneBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("subprocess test")
	}
	srv := redistest.Start(t)
	reader := newReplica(t, srv.Addr, procReplicas, procLimitUSD, 5*time.Second) // only to read Redis; made now, while its dry run fits the budget
	type child struct {
		cmd   *exec.Cmd
		stdin interface{ Write([]byte) (int, error) }
		ready chan struct{}
		tally chan procTally
	}
	kids := make([]*child, procReplicas)
	for i := range kids {
		cmd := exec.Command(os.Args[0], "-test.run=^TestProcessChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), procAddrEnv+"="+srv.Addr, procRoleEnv+"="+strconv.Itoa(i))
		cmd.Stderr = os.Stderr
		in, err := cmd.StdinPipe()
		require.NoError(t, err)
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		k := &child{cmd: cmd, stdin: in, ready: make(chan struct{}), tally: make(chan procTally, 1)}
		kids[i] = k
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				line := sc.Text()
				switch {
				case line == "READY":
					close(k.ready)
				case strings.HasPrefix(line, "TALLY "):
					var tl procTally
					if _, err := fmt.Sscanf(line, "TALLY %d %d %d %d %d", &tl.role, &tl.ok, &tl.refused, &tl.charged, &tl.maxEstNs); err == nil {
						k.tally <- tl
					}
				}
			}
			close(k.tally)
		}()
	}
	bound := time.NewTimer(2 * time.Minute) // a bound on a hung child, not a wait for time to pass
	defer bound.Stop()
	for i, k := range kids {
		select {
		case <-k.ready:
		case <-bound.C:
			t.Fatalf("child %d never became ready", i)
		}
	}
	for _, k := range kids {
		_, err := k.stdin.Write([]byte("go\n"))
		require.NoError(t, err)
	}
	var sum, maxEst budget.Nanos
	var ok, refused int64
	for i, k := range kids {
		var tl procTally
		var got bool
		select {
		case tl, got = <-k.tally:
		case <-bound.C:
			t.Fatalf("child %d never reported", i)
		}
		require.True(t, got, "child %d exited without a tally", i)
		require.NoError(t, k.cmd.Wait(), "child %d", i)
		t.Logf("process %d (pid %d): %d answered, %d refused, decisions cost $%.9f", tl.role, k.cmd.Process.Pid, tl.ok, tl.refused, tl.charged.USD())
		sum += tl.charged
		ok += tl.ok
		refused += tl.refused
		maxEst = max(maxEst, tl.maxEstNs)
	}
	spent, held, err := reader.store.Usage(context.Background(), day, start)
	require.NoError(t, err)
	overspend := spent - budget.FromUSD(procLimitUSD)
	t.Logf("%d processes x %d requests: %d answered, %d refused; Redis charged $%.9f of $%.2f, the processes report $%.9f; overspend $%.9f (bound: %d x $%.6f)",
		procReplicas, procWorkers, ok, refused, spent.USD(), procLimitUSD, sum.USD(), max(0, overspend.USD()), procReplicas, maxEst.USD())
	assert.Positive(t, refused, "the budget runs out")
	assert.Positive(t, ok)
	assert.Equal(t, sum, spent, "Redis's total is the sum of the costs the processes report, exactly")
	assert.Zero(t, held, "every reservation is released")
	assert.LessOrEqual(t, overspend, procReplicas*maxEst)
}

// TestProcessChild is one replica of TestProcessesShareOneBudget; it runs
// only when re-executed with procAddrEnv set.
func TestProcessChild(t *testing.T) {
	addr := os.Getenv(procAddrEnv)
	if addr == "" {
		t.Skip("run by TestProcessesShareOneBudget in a child process")
	}
	role, err := strconv.Atoi(os.Getenv(procRoleEnv))
	require.NoError(t, err)
	rep := newReplica(t, addr, procReplicas, procLimitUSD, 5*time.Second) // Redis stays up: no call may time out on a busy machine
	fmt.Println("READY")
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "go\n", line)
	var ok, refused atomic.Int64
	var wg sync.WaitGroup
	for range procWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := rep.r.GenerateContent(alice, prompt)
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, budget.ErrExceeded):
				refused.Add(1)
			default:
				t.Errorf("request failed: %v", err)
			}
		}()
	}
	wg.Wait()
	require.False(t, rep.store.Degraded(), "Redis stayed up")
	fmt.Printf("TALLY %d %d %d %d %d\n", role, ok.Load(), refused.Load(), int64(rep.charged()), int64(budget.FromUSD(rep.maxEst)))
}
