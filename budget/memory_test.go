package budget

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2025, 3, 31, 23, 59, 30, 0, time.UTC)

func TestWindowCalendar(t *testing.T) {
	for _, tc := range []struct {
		p          Period
		start, end time.Time
	}{
		{Minute, time.Date(2025, 3, 31, 23, 59, 0, 0, time.UTC), time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)},
		{Hour, time.Date(2025, 3, 31, 23, 0, 0, 0, time.UTC), time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)},
		{Day, time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC), time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)},
		{Month, time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)},
	} {
		t.Run(tc.p.String(), func(t *testing.T) {
			s, e := Window{Period: tc.p}.Calendar(t0.In(time.FixedZone("X", 5*3600)))
			assert.Equal(t, tc.start, s)
			assert.Equal(t, tc.end, e)
		})
	}
	w := Window{Period: Minute, Rolling: true}
	assert.Equal(t, time.Second, w.SlotLength())
	assert.Equal(t, t0.Add(time.Minute), w.SlotEnd(w.Slot(t0)))
}

func TestMemoryStore(t *testing.T) {
	ctx := context.Background()
	day := Bucket{Key: "user=a/day", Limit: 1000, Window: Window{Period: Day}}
	roll := Bucket{Key: "user=a/rolling-minute", Limit: 1000, Window: Window{Period: Minute, Rolling: true}}
	type step struct {
		at      time.Duration // after t0
		op      string        // reserve, commit, refund
		id      string
		b       []Bucket
		min     Nanos
		max     Nanos
		cost    Nanos
		got     Nanos     // reserve: granted
		refused bool      // reserve: refused
		resets  time.Time // reserve refused: Status.Resets
	}
	for _, tc := range []struct {
		name  string
		steps []step
		key   string
		at    time.Duration
		spent Nanos
		held  Nanos
	}{
		{name: "reserve the most that fits, then charge and release",
			steps: []step{
				{op: "reserve", id: "1", b: []Bucket{day}, min: 100, max: 700, got: 700},
				{op: "reserve", id: "2", b: []Bucket{day}, min: 100, max: 700, got: 300},
				{op: "reserve", id: "3", b: []Bucket{day}, min: 100, max: 700, refused: true},
				{op: "commit", id: "1", b: []Bucket{day}, cost: 250},
				{op: "refund", id: "2", b: []Bucket{day}},
			},
			key: day.Key, spent: 250, held: 0},
		{name: "a calendar day resets at midnight",
			steps: []step{
				{op: "reserve", id: "1", b: []Bucket{day}, min: 100, max: 1000, got: 1000},
				{op: "commit", id: "1", b: []Bucket{day}, cost: 950},
				{op: "reserve", id: "2", b: []Bucket{day}, min: 100, max: 100, refused: true, resets: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)},
				{at: 30 * time.Second, op: "reserve", id: "3", b: []Bucket{day}, min: 100, max: 100, got: 100},
			},
			key: day.Key, at: 30 * time.Second, spent: 0, held: 100},
		{name: "a rolling minute frees each slot a minute after its spend",
			steps: []step{
				{op: "commit", id: "1", b: []Bucket{roll}, cost: 600},
				{at: 10 * time.Second, op: "commit", id: "2", b: []Bucket{roll}, cost: 300},
				{at: 20 * time.Second, op: "reserve", id: "3", b: []Bucket{roll}, min: 500, max: 500, refused: true, resets: t0.Add(time.Minute)},
				{at: 60 * time.Second, op: "reserve", id: "4", b: []Bucket{roll}, min: 500, max: 500, got: 500},
			},
			key: roll.Key, at: 60 * time.Second, spent: 300, held: 500},
		{name: "all or nothing across buckets",
			steps: []step{
				{op: "commit", id: "1", b: []Bucket{roll}, cost: 900},
				{op: "reserve", id: "2", b: []Bucket{day, roll}, min: 200, max: 200, refused: true, resets: t0.Add(time.Minute)},
			},
			key: day.Key, spent: 0, held: 0},
		{name: "a hold lapses at its expiry; its late commit still charges",
			steps: []step{
				{op: "reserve", id: "1", b: []Bucket{day}, min: 900, max: 900, got: 900},
				{at: 10 * time.Second, op: "reserve", id: "2", b: []Bucket{day}, min: 200, max: 200, refused: true},
				{at: 20 * time.Second, op: "reserve", id: "3", b: []Bucket{day}, min: 200, max: 200, got: 200},
				{at: 25 * time.Second, op: "commit", id: "1", b: []Bucket{day}, cost: 400},
			},
			key: day.Key, at: 25 * time.Second, spent: 400, held: 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewMemoryStore()
			for i, st := range tc.steps {
				now := t0.Add(st.at)
				switch st.op {
				case "reserve":
					got, refused, err := s.Reserve(ctx, Reservation{ID: st.id, Buckets: st.b, Min: st.min, Max: st.max, Now: now, Expires: now.Add(15 * time.Second)})
					require.NoError(t, err)
					if st.refused {
						require.NotNil(t, refused, "step %d", i)
						assert.Equal(t, st.resets, refused.Resets, "step %d", i)
					} else {
						require.Nil(t, refused, "step %d", i)
						assert.Equal(t, st.got, got, "step %d", i)
					}
				case "commit":
					require.NoError(t, s.Commit(ctx, st.id, st.b, st.cost, now))
				case "refund":
					require.NoError(t, s.Refund(ctx, st.id, st.b))
				}
			}
			spent, held := s.Usage(tc.key, t0.Add(tc.at))
			assert.Equal(t, tc.spent, spent, "spent")
			assert.Equal(t, tc.held, held, "held")
		})
	}
}

func TestMemoryStoreForgetsIdleBuckets(t *testing.T) {
	s := NewMemoryStore()
	ctx := context.Background()
	w := Window{Period: Minute}
	for i := range 100_000 {
		b := []Bucket{{Key: "user=" + string(rune('a'+i%26)) + itoa(i) + "/minute", Limit: 10, Window: w}}
		now := t0.Add(time.Duration(i) * time.Millisecond * 10) // 1,000 s: many minutes pass
		require.NoError(t, s.Commit(ctx, "x", b, 1, now))
	}
	n := 0
	for i := range s.shards {
		n += len(s.shards[i].buckets)
	}
	assert.Less(t, n, 30_000, "buckets of past minutes are dropped as the store grows")
}

func itoa(i int) string {
	var b [20]byte
	p := len(b)
	for {
		p--
		b[p] = byte('0' + i%10)
		if i /= 10; i == 0 {
			return string(b[p:])
		}
	}
}
