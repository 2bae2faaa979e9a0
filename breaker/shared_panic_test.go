package breaker

import (
	"bytes"
	"log"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// panicShared is a Shared whose methods panic (a buggy store).
type panicShared struct{}

func (panicShared) OpenUntil(string, time.Time) time.Time { panic("shared get boom") }
func (panicShared) Opened(string, time.Time, time.Time)   { panic("shared put boom") }

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }
func (l *lockedBuffer) Reset()         { l.mu.Lock(); defer l.mu.Unlock(); l.b.Reset() }

// TestSharedPanicActsAlone: a Shared that panics is a failed store, as
// its doc says of failures: the breaker acts alone, the panic is logged
// with its stack, and none unwinds into the caller of Allow, Record,
// Trip or the read methods (on a router's path: GenerateContent).
func TestSharedPanicActsAlone(t *testing.T) {
	var logged lockedBuffer
	out, flags := log.Writer(), log.Flags()
	log.SetOutput(&logged)
	defer func() { log.SetOutput(out); log.SetFlags(flags) }()

	tests := []struct {
		name string
		run  func(t *testing.T, r *Registry)
		want string
	}{
		{"Allow", func(t *testing.T, r *Registry) {
			ok, _ := r.Allow("m", t0)
			assert.True(t, ok, "nothing tripped locally")
		}, "shared get boom"},
		{"Record trips locally", func(t *testing.T, r *Registry) {
			assert.Equal(t, Open, r.Record("m", t0, errUnavailable))
			ok, at := r.Allow("m", t0.Add(time.Second))
			assert.False(t, ok)
			assert.Equal(t, t0.Add(30*time.Second), at)
		}, "shared put boom"},
		{"Trip", func(t *testing.T, r *Registry) {
			r.Breaker("m").Trip(t0, time.Minute)
			assert.Equal(t, t0.Add(time.Minute), r.Breaker("m").RetryAt(t0))
		}, "shared put boom"},
		{"NextAvailable", func(t *testing.T, r *Registry) {
			at, ok := r.NextAvailable(t0, "m")
			assert.True(t, ok)
			assert.Equal(t, t0, at)
		}, "shared get boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logged.Reset()
			r := NewRegistry(Settings{ConsecutiveFailures: 1, Shared: panicShared{}})
			require.NotPanics(t, func() { tt.run(t, r) })
			assert.Contains(t, logged.String(), "breaker: Settings.Shared breaker.panicShared panicked for model m: "+tt.want)
			assert.Contains(t, logged.String(), "shared_panic_test.go", "the stack is logged")
		})
	}
}
