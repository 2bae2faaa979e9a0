package breaker

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestSharedReadMethods: the read methods (RetryAt, Stats, NextAvailable,
// EarliestRetry) of a replica that never called Allow report a model
// another replica opened, capped at MaxCooldown, without changing the
// breaker; once the shared end has passed they report it available.
func TestSharedReadMethods(t *testing.T) {
	until := t0.Add(30 * time.Second)
	for _, tc := range []struct {
		name string
		read func(b *Registry, now time.Time) time.Time // the earliest retry it reports (zero: available)
	}{
		{"RetryAt", func(b *Registry, now time.Time) time.Time { return b.Breaker("m").RetryAt(now) }},
		{"Stats", func(b *Registry, now time.Time) time.Time { return b.Breaker("m").Stats(now).RetryAt }},
		{"NextAvailable of a breaker made", func(b *Registry, now time.Time) time.Time {
			b.Breaker("m")
			at, _ := b.NextAvailable(now, "m")
			if at.Equal(now) {
				return time.Time{}
			}
			return at
		}},
		{"NextAvailable of a model never seen", func(b *Registry, now time.Time) time.Time {
			at, _ := b.NextAvailable(now, "m")
			if at.Equal(now) {
				return time.Time{}
			}
			return at
		}},
		{"EarliestRetry", func(b *Registry, now time.Time) time.Time {
			at, _ := EarliestRetry(now, b.Breaker("m"))
			if at.Equal(now) {
				return time.Time{}
			}
			return at
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sh := &memShared{}
			s := Settings{ConsecutiveFailures: 1, Shared: sh}
			a, b := NewRegistry(s), NewRegistry(s)
			a.Record("m", t0, errUnavailable)
			assert.Equal(t, until, tc.read(b, t0.Add(time.Second)), "B reports A's open period")
			assert.Equal(t, until, tc.read(b, t0.Add(2*time.Second)), "reading twice changes nothing")
			assert.Zero(t, tc.read(b, until), "the shared end has passed")
			ok, _ := b.Allow("m", until)
			assert.True(t, ok, "reads took no probe slot")
		})
	}
	t.Run("Stats state and cap", func(t *testing.T) {
		sh := &memShared{until: map[string]time.Time{"m": t0.Add(24 * time.Hour)}}
		b := NewRegistry(Settings{MaxCooldown: time.Hour, Shared: sh})
		st := b.Breaker("m").Stats(t0)
		assert.Equal(t, Open, st.State)
		assert.Equal(t, t0.Add(time.Hour), st.RetryAt, "capped at MaxCooldown")
		assert.Equal(t, Closed, b.Breaker("m").Stats(t0.Add(24*time.Hour)).State)
	})
}
