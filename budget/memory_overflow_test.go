package budget

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMemoryStoreSaturates: totals past what Nanos hold (about $9.2e9: a
// provider reporting absurd usage, or a huge limit) saturate instead of
// wrapping to a negative spend, which read as money left and let every
// later request through.
func TestMemoryStoreSaturates(t *testing.T) {
	const most = Nanos(math.MaxInt64)
	for _, w := range []Window{{Period: Day}, {Period: Minute, Rolling: true}} {
		t.Run(w.String(), func(t *testing.T) {
			ctx := context.Background()
			s := NewMemoryStore()
			bs := []Bucket{{Key: "k", Limit: most, Window: w}}
			for i, at := range []time.Duration{0, time.Second, 2 * time.Second} { // rolling: three slots
				require.NoError(t, s.Commit(ctx, "c"+string(rune('0'+i)), bs, most-5, t0.Add(at)))
			}
			now := t0.Add(3 * time.Second)
			spent, held := s.Usage("k", now)
			assert.Equal(t, most, spent, "saturated, not wrapped")
			assert.Zero(t, held)
			st, err := s.Remaining(ctx, bs, 1, now)
			require.NoError(t, err)
			assert.Equal(t, Nanos(0), st.Remaining)
			assert.Equal(t, most, st.Spent)
			got, refused, err := s.Reserve(ctx, Reservation{ID: "r", Buckets: bs, Min: 1, Max: most, Now: now, Expires: now.Add(time.Minute)})
			require.NoError(t, err)
			assert.Zero(t, got)
			require.NotNil(t, refused, "nothing is left")
			if w.Rolling {
				assert.False(t, refused.Resets.IsZero(), "the spend leaves the window")
			}

			// A limit lowered below what is held (a reloaded config) with
			// everything spent: limit - spent - held stays at the floor.
			s2 := NewMemoryStore()
			big := []Bucket{{Key: "k", Limit: most, Window: w}}
			got, refused, err = s2.Reserve(ctx, Reservation{ID: "h", Buckets: big, Min: 0, Max: most, Now: t0, Expires: t0.Add(time.Hour)})
			require.NoError(t, err)
			require.Nil(t, refused)
			require.Equal(t, most, got)
			require.NoError(t, s2.Commit(ctx, "other", big, most, t0))
			st, err = s2.Remaining(ctx, big, most, t0)
			require.NoError(t, err)
			assert.Equal(t, Nanos(0), st.Remaining)
			assert.Equal(t, most, st.Held)
			got, refused, err = s2.Reserve(ctx, Reservation{ID: "x", Buckets: big, Min: 1, Max: 1, Now: t0, Expires: t0.Add(time.Hour)})
			require.NoError(t, err)
			assert.Zero(t, got)
			assert.NotNil(t, refused, "spent and held past the limit: refused, not wrapped to room")
		})
	}
}
