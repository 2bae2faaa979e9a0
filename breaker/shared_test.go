package breaker

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// memShared is a Shared in memory that counts its calls.
type memShared struct {
	mu      sync.Mutex
	until   map[string]time.Time
	gets    int
	publish []time.Time
}

func (m *memShared) OpenUntil(model string, now time.Time) time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gets++
	return m.until[model]
}

func (m *memShared) Opened(model string, now, until time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.until == nil {
		m.until = map[string]time.Time{}
	}
	m.publish = append(m.publish, until)
	if until.After(m.until[model]) {
		m.until[model] = until
	}
}

// TestSharedOpenCoolsDownEveryReplica: a model that trips on replica A is
// refused by replica B (another registry) until A's cooldown ends; then
// B lets one probe through, and other models are untouched.
func TestSharedOpenCoolsDownEveryReplica(t *testing.T) {
	for _, tc := range []struct {
		name  string
		trip  func(a *Registry)
		until time.Duration
	}{
		{"failures", func(a *Registry) { a.Record("m", t0, errUnavailable) }, 30 * time.Second},
		{"retry-after hint", func(a *Registry) { a.Record("m", t0, errHinted) }, 90 * time.Second},
		{"trip", func(a *Registry) { a.Breaker("m").Trip(t0, 2*time.Minute) }, 2 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sh := &memShared{}
			s := Settings{ConsecutiveFailures: 1, Shared: sh}
			a, b := NewRegistry(s), NewRegistry(s)
			ok, _ := b.Allow("m", t0)
			require.True(t, ok, "nothing tripped yet")
			tc.trip(a)
			require.Equal(t, []time.Time{t0.Add(tc.until)}, sh.publish, "the trip is published once, with its end")

			ok, retryAt := b.Allow("m", t0.Add(time.Second))
			assert.False(t, ok, "B skips the model A tripped")
			assert.Equal(t, t0.Add(tc.until), retryAt)
			assert.Equal(t, t0.Add(tc.until), b.Breaker("m").RetryAt(t0.Add(2*time.Second)), "B's own state says so too")
			ok, _ = b.Allow("other", t0.Add(time.Second))
			assert.True(t, ok, "other models are untouched")

			ok, _ = b.Allow("m", t0.Add(tc.until-time.Millisecond))
			assert.False(t, ok)
			ok, _ = b.Allow("m", t0.Add(tc.until))
			assert.True(t, ok, "the cooldown is over: B probes")
			ok, _ = b.Allow("m", t0.Add(tc.until))
			assert.False(t, ok, "one probe at a time, as after a local trip")
			assert.Equal(t, HalfOpen, b.Record("m", t0.Add(tc.until), errBadRequest), "an ignored error frees the slot")
			assert.Equal(t, Closed, b.Record("m", t0.Add(tc.until), nil), "a probe success closes B")
			require.Len(t, sh.publish, 1, "adopting a shared open publishes nothing")
		})
	}
}

// TestSharedLateFailureExtends: a failure B records while open by A's trip
// extends the open period everywhere.
func TestSharedLateFailureExtends(t *testing.T) {
	sh := &memShared{}
	s := Settings{ConsecutiveFailures: 1, Shared: sh}
	a, b := NewRegistry(s), NewRegistry(s)
	a.Record("m", t0, errUnavailable)
	ok, _ := b.Allow("m", t0.Add(time.Second))
	require.False(t, ok)
	b.Record("m", t0.Add(10*time.Second), errUnavailable) // let through before the trip, finished late
	assert.Equal(t, []time.Time{t0.Add(30 * time.Second), t0.Add(40 * time.Second)}, sh.publish)
	ok, retryAt := a.Allow("m", t0.Add(35*time.Second))
	assert.False(t, ok, "A adopts B's later end")
	assert.Equal(t, t0.Add(40*time.Second), retryAt)
}

// TestSharedIgnoredWithoutModel: a Breaker made by New knows no model name,
// so it neither reads nor writes the shared state; a past or zero shared
// end changes nothing.
func TestSharedIgnoredWithoutModel(t *testing.T) {
	sh := &memShared{until: map[string]time.Time{"": t0.Add(time.Hour)}}
	br := New(Settings{ConsecutiveFailures: 1, Shared: sh})
	ok, _ := br.Allow(t0)
	assert.True(t, ok)
	br.Record(t0, errUnavailable)
	assert.Zero(t, sh.gets)
	assert.Empty(t, sh.publish)

	sh = &memShared{until: map[string]time.Time{"m": t0.Add(-time.Second)}}
	r := NewRegistry(Settings{Shared: sh})
	ok, _ = r.Allow("m", t0)
	assert.True(t, ok, "a shared end in the past is no open")
	assert.Equal(t, Closed, r.Breaker("m").Stats(t0).State)
	assert.Equal(t, 2, sh.gets, "Allow and Stats each read the shared state")
}
