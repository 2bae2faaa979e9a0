package llmrouter

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// stepClock is a Clock whose every Now moves on by step.
type stepClock struct {
	t    time.Time
	step time.Duration
}

func (c *stepClock) Now() time.Time {
	c.t = c.t.Add(c.step)
	return c.t
}

func (c *stepClock) After(time.Duration) <-chan time.Time { return nil }

func TestRouterSince(t *testing.T) {
	t.Run("an injected clock is read", func(t *testing.T) {
		c := &stepClock{t: time.Unix(1e9, 0), step: 3 * time.Second}
		r := &Router{}
		r.clock = c
		start := r.now()
		assert.Equal(t, 3*time.Second, r.since(start))
		assert.Equal(t, 6*time.Second, r.since(start))
	})
	t.Run("the system clock: as time.Since", func(t *testing.T) {
		r := &Router{}
		r.clock = systemClock{}
		start := r.now()
		before := time.Since(start)
		got := r.since(start)
		after := time.Since(start)
		assert.True(t, before <= got && got <= after, "%v ≤ %v ≤ %v", before, got, after)
	})
}
