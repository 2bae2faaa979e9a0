package breaker

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A nil *Registry is no breakers (what Router.Breakers returns for a
// router without them) and a nil *Breaker is no breaker (as EarliestRetry
// already counted it): every request is allowed, nothing is recorded,
// nothing trips. Each method panicked with a nil pointer dereference.
func TestNilIsNoBreaker(t *testing.T) {
	now := time.Unix(1000, 0)
	fail := errors.New("boom")
	t.Run("Breaker", func(t *testing.T) {
		var b *Breaker
		require.NotPanics(t, func() {
			ok, at := b.Allow(now)
			assert.True(t, ok)
			assert.True(t, at.IsZero())
			assert.Equal(t, Closed, b.Record(now, fail))
			b.Trip(now, time.Minute)
			ok, _ = b.Allow(now)
			assert.True(t, ok, "a nil breaker does not trip")
			b.Reset()
			assert.Equal(t, Stats{State: Closed}, b.Stats(now))
			assert.True(t, b.RetryAt(now).IsZero())
		})
	})
	t.Run("Registry", func(t *testing.T) {
		var r *Registry
		require.NotPanics(t, func() {
			assert.Nil(t, r.Breaker("m"))
			ok, at := r.Allow("m", now)
			assert.True(t, ok)
			assert.True(t, at.IsZero())
			assert.Equal(t, Closed, r.Record("m", now, fail))
			at, ok = r.NextAvailable(now, "m", "n")
			assert.True(t, ok)
			assert.Equal(t, now, at)
			_, ok = r.NextAvailable(now)
			assert.False(t, ok, "no model given")
		})
	})
}
