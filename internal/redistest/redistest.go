// Package redistest starts a real redis-server for tests: on a free
// loopback port, in a temporary directory, stopped when the test ends.
package redistest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// RequireEnv names the environment variable that, set to 1, makes tests
// fail instead of skip where no redis-server can be started (CI sets it).
const RequireEnv = "LLMROUTER_REQUIRE_REDIS"

// startTimeout bounds how long a server may take to accept connections.
const startTimeout = 10 * time.Second

// Server is a redis-server process. Its methods are safe for concurrent
// use.
type Server struct {
	// Addr is host:port, the same across Kill and Start.
	Addr string
	t    testing.TB
	bin  string
	dir  string
	port int
	args []string

	mu  sync.Mutex
	cmd *exec.Cmd
	out chan struct{} // closed when the process has exited
}

// Start starts redis-server with no persistence (extra arguments, such as
// "--appendonly", "yes", are added) and stops it when t ends. Without a
// redis-server on PATH it skips t, or fails it when RequireEnv is 1.
func Start(t testing.TB, extra ...string) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("redis-server not found on PATH and %s=1: install it (Debian: apt-get install redis-server)", RequireEnv)
		}
		t.Skipf("redis-server not found on PATH: skipping the tests against a real Redis (Debian: apt-get install redis-server; set %s=1 to fail instead)", RequireEnv)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("redistest: finding a free port: %v", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	s := &Server{t: t, bin: bin, dir: t.TempDir(), port: port, Addr: "127.0.0.1:" + strconv.Itoa(port), args: extra}
	s.Start()
	t.Cleanup(s.Kill)
	return s
}

// Start (re)starts the server on its port and waits until it accepts
// connections; it fails the test if it does not within 10 s.
func (s *Server) Start() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		s.t.Fatalf("redistest: server on %s already running", s.Addr)
	}
	args := append([]string{"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1", "--dir", s.dir,
		"--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "notice"}, s.args...)
	cmd := exec.Command(s.bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		s.t.Fatalf("redistest: %v", err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("redistest: starting %s: %v", s.bin, err)
	}
	ready := make(chan error, 1)
	out := make(chan struct{})
	go func() {
		var log strings.Builder
		sc := bufio.NewScanner(stdout)
		sent := false
		for sc.Scan() {
			if !sent {
				log.WriteString(sc.Text() + "\n")
				if strings.Contains(sc.Text(), "Ready to accept connections") {
					ready <- nil
					sent = true
				}
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		if !sent {
			ready <- fmt.Errorf("exited before accepting connections; its log:\n%s", log.String())
		}
		_ = cmd.Wait()
		close(out)
	}()
	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	select {
	case err := <-ready:
		if err != nil {
			s.t.Fatalf("redistest: redis-server on %s %v", s.Addr, err)
		}
	case <-timer.C:
		_ = cmd.Process.Kill()
		s.t.Fatalf("redistest: redis-server on %s not ready within %s", s.Addr, startTimeout)
	}
	s.cmd, s.out = cmd, out
}

// Kill kills the server (SIGKILL, as a crash) and waits for it to exit;
// a no-op when it is not running.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.out
	s.cmd, s.out = nil, nil
}
