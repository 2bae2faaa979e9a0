// Package budgettest is the conformance suite of budget.Store: every
// store (budget.MemoryStore, redisstore.Store) runs it and so keeps the
// same semantics.
package budgettest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter/budget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// T0 is the suite's start time: 30 s before a calendar day (and month)
// ends.
var T0 = time.Date(2025, 3, 31, 23, 59, 30, 0, time.UTC)

var (
	day  = budget.Bucket{Key: "user=a/day", Limit: 1000, Window: budget.Window{Period: budget.Day}}
	roll = budget.Bucket{Key: "user=a/rolling-minute", Limit: 1000, Window: budget.Window{Period: budget.Minute, Rolling: true}}
	glob = budget.Bucket{Key: "global/month", Limit: 5000, Window: budget.Window{Period: budget.Month}}
)

// step is one call of a scripted scenario.
type step struct {
	at      time.Duration // after T0
	op      string        // reserve, commit, refund
	id      string
	b       []budget.Bucket
	min     budget.Nanos
	max     budget.Nanos
	cost    budget.Nanos
	ttl     time.Duration // reserve: the hold's life; default 15 s
	got     budget.Nanos  // reserve: granted
	refused bool          // reserve: refused
	bucket  int           // reserve refused: Status.Bucket
	resets  time.Time     // reserve refused: Status.Resets
}

type scenario struct {
	name  string
	steps []step
	// then the bucket's usage at T0+at:
	key   budget.Bucket
	at    time.Duration
	spent budget.Nanos
	held  budget.Nanos
}

var scenarios = []scenario{
	{name: "reserve the most that fits, then charge and release",
		steps: []step{
			{op: "reserve", id: "1", b: []budget.Bucket{day}, min: 100, max: 700, got: 700},
			{op: "reserve", id: "2", b: []budget.Bucket{day}, min: 100, max: 700, got: 300},
			{op: "reserve", id: "3", b: []budget.Bucket{day}, min: 100, max: 700, refused: true},
			{op: "reserve", id: "4", b: []budget.Bucket{day}, min: 0, max: 700, got: 0},
			{op: "commit", id: "1", b: []budget.Bucket{day}, cost: 250},
			{op: "refund", id: "2", b: []budget.Bucket{day}},
			{op: "refund", id: "4", b: []budget.Bucket{day}},
		},
		key: day, spent: 250, held: 0},
	{name: "a calendar day resets at midnight",
		steps: []step{
			{op: "reserve", id: "1", b: []budget.Bucket{day}, min: 100, max: 1000, got: 1000},
			{op: "commit", id: "1", b: []budget.Bucket{day}, cost: 950},
			{op: "reserve", id: "2", b: []budget.Bucket{day}, min: 100, max: 100, refused: true, resets: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)},
			{at: 30 * time.Second, op: "reserve", id: "3", b: []budget.Bucket{day}, min: 100, max: 100, got: 100},
		},
		key: day, at: 30 * time.Second, spent: 0, held: 100},
	{name: "a rolling minute frees each slot a minute after its spend",
		steps: []step{
			{op: "commit", id: "1", b: []budget.Bucket{roll}, cost: 600},
			{at: 10 * time.Second, op: "commit", id: "2", b: []budget.Bucket{roll}, cost: 300},
			{at: 20 * time.Second, op: "reserve", id: "3", b: []budget.Bucket{roll}, min: 500, max: 500, refused: true, resets: T0.Add(time.Minute)},
			{at: 20 * time.Second, op: "reserve", id: "4", b: []budget.Bucket{roll}, min: 950, max: 950, refused: true, resets: T0.Add(10*time.Second + time.Minute)},
			{at: 60 * time.Second, op: "reserve", id: "5", b: []budget.Bucket{roll}, min: 500, max: 500, got: 500},
		},
		key: roll, at: 60 * time.Second, spent: 300, held: 500},
	{name: "a rolling window forgets spend older than the window",
		steps: []step{
			{op: "commit", id: "1", b: []budget.Bucket{roll}, cost: 400},
			{at: 59 * time.Second, op: "commit", id: "2", b: []budget.Bucket{roll}, cost: 500},
			{at: 2 * time.Minute, op: "commit", id: "3", b: []budget.Bucket{roll}, cost: 7},
		},
		key: roll, at: 2 * time.Minute, spent: 7, held: 0},
	{name: "all or nothing across buckets; the tightest is named",
		steps: []step{
			{op: "commit", id: "1", b: []budget.Bucket{roll}, cost: 900},
			{op: "reserve", id: "2", b: []budget.Bucket{day, roll}, min: 200, max: 200, refused: true, bucket: 1, resets: T0.Add(time.Minute)},
		},
		key: day, spent: 0, held: 0},
	{name: "a reservation holds on every bucket; the least left bounds it",
		steps: []step{
			{op: "commit", id: "1", b: []budget.Bucket{glob}, cost: 4400},
			{op: "reserve", id: "2", b: []budget.Bucket{day, glob}, min: 100, max: 900, got: 600},
			{op: "reserve", id: "3", b: []budget.Bucket{glob, day}, min: 1, max: 900, refused: true, bucket: 0, resets: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)},
		},
		key: glob, spent: 4400, held: 600},
	{name: "a hold lapses at its expiry; its late commit still charges",
		steps: []step{
			{op: "reserve", id: "1", b: []budget.Bucket{day}, min: 900, max: 900, got: 900},
			{at: 10 * time.Second, op: "reserve", id: "2", b: []budget.Bucket{day}, min: 200, max: 200, refused: true},
			{at: 15 * time.Second, op: "reserve", id: "3", b: []budget.Bucket{day}, min: 200, max: 200, got: 200},
			{at: 25 * time.Second, op: "commit", id: "1", b: []budget.Bucket{day}, cost: 400},
		},
		key: day, at: 25 * time.Second, spent: 400, held: 200},
	{name: "reserving an id again replaces its hold",
		steps: []step{
			{op: "reserve", id: "1", b: []budget.Bucket{day}, min: 300, max: 300, got: 300},
			{op: "reserve", id: "1", b: []budget.Bucket{day}, min: 500, max: 500, got: 500},
		},
		key: day, spent: 0, held: 500},
	{name: "refunds of unknown or settled ids change nothing",
		steps: []step{
			{op: "refund", id: "x", b: []budget.Bucket{day}},
			{op: "reserve", id: "1", b: []budget.Bucket{day}, min: 300, max: 300, got: 300},
			{op: "commit", id: "1", b: []budget.Bucket{day}, cost: 100},
			{op: "refund", id: "1", b: []budget.Bucket{day}},
		},
		key: day, spent: 100, held: 0},
	{name: "a commit without a reservation charges",
		steps: []step{
			{op: "commit", id: "never-reserved", b: []budget.Bucket{day, glob}, cost: 1200},
			{op: "reserve", id: "2", b: []budget.Bucket{day}, min: 1, max: 1, refused: true, resets: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)},
		},
		key: glob, spent: 1200, held: 0},
	{name: "a calendar month resets at the month's end",
		steps: []step{
			{op: "commit", id: "1", b: []budget.Bucket{glob}, cost: 5000},
			{op: "reserve", id: "2", b: []budget.Bucket{glob}, min: 1, max: 1, refused: true, resets: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)},
			{at: 31 * 24 * time.Hour, op: "commit", id: "3", b: []budget.Bucket{glob}, cost: 5},
		},
		key: glob, at: 31 * 24 * time.Hour, spent: 5, held: 0},
}

// Run runs the suite, each case on a store from newStore (which must be
// empty).
func Run(t *testing.T, newStore func(t *testing.T) budget.Store) {
	ctx := context.Background()
	for _, tc := range scenarios {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			for i, st := range tc.steps {
				now := T0.Add(st.at)
				switch st.op {
				case "reserve":
					ttl := st.ttl
					if ttl == 0 {
						ttl = 15 * time.Second
					}
					got, refused, err := s.Reserve(ctx, budget.Reservation{ID: st.id, Buckets: st.b, Min: st.min, Max: st.max, Now: now, Expires: now.Add(ttl)})
					require.NoError(t, err, "step %d", i)
					if st.refused {
						require.NotNil(t, refused, "step %d: refused", i)
						assert.Equal(t, st.bucket, refused.Bucket, "step %d: bucket", i)
						assert.Equal(t, st.resets, refused.Resets, "step %d: resets", i)
						assert.Less(t, refused.Remaining, st.min, "step %d: remaining", i)
					} else {
						require.Nil(t, refused, "step %d: refused %+v", i, refused)
						assert.Equal(t, st.got, got, "step %d: granted", i)
					}
				case "commit":
					require.NoError(t, s.Commit(ctx, st.id, st.b, st.cost, now), "step %d", i)
				case "refund":
					require.NoError(t, s.Refund(ctx, st.id, st.b), "step %d", i)
				default:
					t.Fatalf("step %d: unknown op %q", i, st.op)
				}
			}
			spent, held := Usage(t, s, tc.key, T0.Add(tc.at))
			assert.Equal(t, tc.spent, spent, "spent")
			assert.Equal(t, tc.held, held, "held")
		})
	}
	t.Run("Remaining names the tightest bucket and when it frees up", func(t *testing.T) {
		s := newStore(t)
		require.NoError(t, s.Commit(ctx, "1", []budget.Bucket{day, roll}, 700, T0))
		require.NoError(t, s.Commit(ctx, "2", []budget.Bucket{roll}, 200, T0.Add(5*time.Second)))
		_, refused, err := s.Reserve(ctx, budget.Reservation{ID: "3", Buckets: []budget.Bucket{day}, Min: 50, Max: 50, Now: T0, Expires: T0.Add(time.Hour)})
		require.NoError(t, err)
		require.Nil(t, refused)
		now := T0.Add(10 * time.Second)
		st, err := s.Remaining(ctx, []budget.Bucket{glob, day, roll}, 500, now)
		require.NoError(t, err)
		assert.Equal(t, budget.Status{Bucket: 2, Remaining: 100, Limit: 1000, Spent: 900, Resets: T0.Add(time.Minute)}, st)
		st, err = s.Remaining(ctx, []budget.Bucket{glob, day}, 300, now)
		require.NoError(t, err)
		assert.Equal(t, budget.Status{Bucket: 1, Remaining: 250, Limit: 1000, Spent: 700, Held: 50, Resets: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)}, st)
		st, err = s.Remaining(ctx, []budget.Bucket{day}, 0, now)
		require.NoError(t, err)
		assert.Zero(t, st.Resets, "need fits")
		st, err = s.Remaining(ctx, []budget.Bucket{{Key: "user=nobody/day", Limit: 10, Window: day.Window}}, 20, now)
		require.NoError(t, err)
		assert.Equal(t, budget.Status{Remaining: 10, Limit: 10}, st, "an unknown bucket is empty; holds-alone shortfall has no reset")
	})
	t.Run("concurrent reservations never overspend and totals are exact", func(t *testing.T) {
		s := newStore(t)
		const workers, each = 16, 40
		user := budget.Bucket{Key: "user=c/day", Limit: 50_000, Window: budget.Window{Period: budget.Day}}
		tag := budget.Bucket{Key: "tag=t/rolling-hour", Limit: 80_000, Window: budget.Window{Period: budget.Hour, Rolling: true}}
		var wg sync.WaitGroup
		charged := make([]budget.Nanos, workers)
		errs := make([]error, workers)
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					id := fmt.Sprintf("%d-%d", w, i)
					now := T0.Add(time.Duration(i) * time.Millisecond)
					got, refused, err := s.Reserve(ctx, budget.Reservation{ID: id, Buckets: []budget.Bucket{user, tag},
						Min: 50, Max: 200, Now: now, Expires: now.Add(time.Hour)})
					if err != nil {
						errs[w] = err
						return
					}
					if refused != nil {
						continue
					}
					cost := got - budget.Nanos((w*7+i*13)%50) // within the grant
					if i%5 == 0 {
						errs[w] = s.Refund(ctx, id, []budget.Bucket{user, tag})
						continue
					}
					if errs[w] = s.Commit(ctx, id, []budget.Bucket{user, tag}, cost, now); errs[w] != nil {
						return
					}
					charged[w] += cost
				}
			}()
		}
		wg.Wait()
		var sum budget.Nanos
		for w := range workers {
			require.NoError(t, errs[w])
			sum += charged[w]
		}
		now := T0.Add(time.Second)
		spent, held := Usage(t, s, user, now)
		assert.Equal(t, sum, spent, "the user's total is the sum of the charges, exactly")
		assert.Zero(t, held)
		assert.LessOrEqual(t, spent, user.Limit, "charges within their grants never overspend")
		assert.Greater(t, spent, user.Limit-200, "the budget is used up to less than one grant")
		tspent, theld := Usage(t, s, tag, now)
		assert.Equal(t, sum, tspent)
		assert.Zero(t, theld)
	})
}

// Usage is a bucket's spend and holds at now, read through Remaining.
func Usage(t testing.TB, s budget.Store, b budget.Bucket, now time.Time) (spent, held budget.Nanos) {
	t.Helper()
	st, err := s.Remaining(context.Background(), []budget.Bucket{b}, 0, now)
	require.NoError(t, err)
	return st.Spent, st.Held
}
