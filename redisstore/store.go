package redisstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/budget"
	"github.com/llmrouter/llmrouter/internal/sysclock"
	"github.com/redis/go-redis/v9"
)

// Defaults of Options.
const (
	DefaultPrefix     = "{llmrouter-budget}:"
	DefaultTimeout    = 100 * time.Millisecond
	DefaultRetryEvery = time.Second
)

// grace is how much longer than needed keys live: replicas' clocks may
// differ by that much without a window's spend vanishing early.
const grace = time.Minute

// Options configures a Store.
type Options struct {
	// Replicas is how many routers share the budgets; required (>= 1).
	// While Redis is away each replica enforces 1/Replicas of every
	// limit on its own, unless Share says otherwise.
	Replicas int
	// Share, in (0, 1], overrides 1/Replicas as the fraction of each
	// limit a replica may spend alone while Redis is away. Default 0:
	// 1/Replicas.
	Share float64
	// Prefix starts every key. Default DefaultPrefix, whose hash tag puts
	// all budget keys in one Redis Cluster slot (a reservation's script
	// touches several buckets at once).
	Prefix string
	// Timeout bounds each call to Redis; past it the call is served
	// locally. Default DefaultTimeout.
	Timeout time.Duration
	// RetryEvery is how often, while degraded, one call tries Redis
	// again. Default DefaultRetryEvery.
	RetryEvery time.Duration
	// Clock schedules those retries. Default: the system clock. (Budget
	// times come from the router's calls, never from this clock.)
	Clock llmrouter.Clock
	// OnStateChange is called when the store degrades (with the error) and
	// when it recovers (nil), from the call that noticed; it must not
	// block. Default: none.
	OnStateChange func(degraded bool, err error)
}

// Store is a budget.Store on Redis, shared by every replica that points
// at the same Redis and Prefix, with a local fallback (see the package
// documentation). Every method returns within about Options.Timeout
// (twice that for the one call in every RetryEvery that tries a degraded
// Redis again), whatever Redis does; the context's cancellation ends a
// call earlier, and its error is returned. The caller giving up is not
// Redis failing: the store stays on Redis, a Reserve that had reached it
// releases the hold it may have made, and a Commit or Refund is
// completed all the same, each in the background within Timeout (a
// reservation's Commit or Refund called again counts once). Redis's own
// failures are never returned: the call is served locally. Safe for
// concurrent use.
// Build it with New: the zero value is not usable (its methods return an
// error saying so; budget.New reports Validate's).
type Store struct {
	rdb        redis.UniversalClient
	prefix     string
	share      float64
	timeout    time.Duration
	retryEvery time.Duration
	clock      llmrouter.Clock
	onState    func(bool, error)
	local      *budget.MemoryStore
	calls      sync.WaitGroup // commands to Redis, some abandoned at their deadline (tests wait for them)

	degradedNow atomic.Bool
	probing     atomic.Bool
	mu          sync.Mutex
	degraded    bool
	probeAt     time.Time
	localIDs    map[string]time.Time // reservations held in local, by id: their expiry
	byID        []settlement         // Redis reservations to settle on Redis
	agg         map[aggKey]*settlement
	seen        map[string]seenSpend // the last spend Redis reported per bucket key
}

// seenSpend is a bucket's spend as Redis last reported it, in the window
// named by window (see window).
type seenSpend struct {
	spent  budget.Nanos
	window string
}

// maxSeen bounds Store.seen; past it the map starts over.
const maxSeen = 1 << 16

var _ budget.Store = (*Store)(nil)

// New returns a Store on rdb (a *redis.Client, *redis.ClusterClient or
// *redis.Ring). It fails on Replicas < 1, a Share outside (0, 1], or a
// negative Timeout or RetryEvery. It does not contact Redis.
func New(rdb redis.UniversalClient, o Options) (*Store, error) {
	switch {
	case rdb == nil:
		return nil, errors.New("redisstore: nil client")
	case o.Replicas < 1:
		return nil, fmt.Errorf("redisstore: Replicas %d: say how many routers share the budgets (>= 1)", o.Replicas)
	case o.Share < 0 || o.Share > 1 || o.Share != o.Share:
		return nil, fmt.Errorf("redisstore: Share %v must be in (0, 1] (or 0 for 1/Replicas)", o.Share)
	case o.Timeout < 0 || o.RetryEvery < 0:
		return nil, fmt.Errorf("redisstore: negative Timeout %s or RetryEvery %s", o.Timeout, o.RetryEvery)
	}
	s := &Store{rdb: rdb, prefix: o.Prefix, share: o.Share, timeout: o.Timeout, retryEvery: o.RetryEvery,
		clock: o.Clock, onState: o.OnStateChange, local: budget.NewMemoryStore(),
		localIDs: map[string]time.Time{}, agg: map[aggKey]*settlement{}, seen: map[string]seenSpend{}}
	if s.prefix == "" {
		s.prefix = DefaultPrefix
	}
	if s.share == 0 {
		s.share = 1 / float64(o.Replicas)
	}
	if s.timeout == 0 {
		s.timeout = DefaultTimeout
	}
	if s.retryEvery == 0 {
		s.retryEvery = DefaultRetryEvery
	}
	if s.clock == nil {
		s.clock = sysclock.Clock{}
	}
	return s, nil
}

// keys appends the three keys of each bucket.
func (s *Store) keys(buckets []budget.Bucket) []string {
	ks := make([]string, 0, 3*len(buckets))
	for _, b := range buckets {
		k := s.prefix + b.Key
		ks = append(ks, k, k+":holds", k+":exp")
	}
	return ks
}

// window is a bucket's window argument at now (the calendar window's end
// in ms, or the rolling slot) and how long its spend must be kept.
func window(w budget.Window, now time.Time) (arg string, ttl int64) {
	if w.Rolling {
		k := w.Slot(now)
		return strconv.FormatInt(k, 10), (w.SlotEnd(k).Sub(now) + grace).Milliseconds()
	}
	_, end := w.Calendar(now)
	return strconv.FormatInt(end.UnixMilli(), 10), (end.Sub(now) + grace).Milliseconds()
}

func rolling(w budget.Window) string {
	if w.Rolling {
		return "1"
	}
	return "0"
}

func ceilMicro(t time.Time) int64 { return (t.UnixNano() + 999) / 1000 }

func nanos(n budget.Nanos) string { return strconv.FormatInt(int64(n), 10) }

func (s *Store) redisReserve(ctx context.Context, r budget.Reservation) (budget.Nanos, *budget.Status, error) {
	args := []any{r.ID, nanos(r.Min), nanos(max(r.Max, r.Min)), r.Now.UnixMilli(), r.Now.UnixMicro(), ceilMicro(r.Expires),
		max(1, (r.Expires.Sub(r.Now) + grace).Milliseconds())}
	for _, b := range r.Buckets {
		arg, ttl := window(b.Window, r.Now)
		args = append(args, nanos(b.Limit), rolling(b.Window), arg, ttl)
	}
	v, err := s.run(ctx, reserveScript, s.keys(r.Buckets), args)
	if err != nil {
		return 0, nil, err
	}
	res, ok := v.([]any)
	if !ok || len(res) < 2 {
		return 0, nil, fmt.Errorf("redisstore: reserve: unexpected reply %v", v)
	}
	if ok, _ := res[0].(int64); ok == 1 {
		got, err := parseNanos(res[1])
		// Then each bucket's spend before this reservation: what the local
		// share is cut from should Redis go away (scaled), for a replica
		// that never asks what is left.
		for i, b := range r.Buckets {
			if len(res) > 2+i {
				if sp, perr := parseNanos(res[2+i]); perr == nil {
					s.remember(b, sp, r.Now)
				}
			}
		}
		return got, nil, err
	}
	at, _ := res[1].(int64)
	if len(res) < 3 || at < 1 || int(at) > len(r.Buckets) {
		return 0, nil, fmt.Errorf("redisstore: reserve: unexpected reply %v", v)
	}
	st, err := status(r.Buckets[at-1], res[2], r.Min, r.Now)
	st.Bucket = int(at - 1)
	return 0, &st, err
}

func (s *Store) redisCommit(ctx context.Context, id string, buckets []budget.Bucket, cost budget.Nanos, now time.Time) error {
	tomb := now.Add(budget.DefaultTTL)
	args := []any{id, nanos(cost), now.UnixMilli(), now.UnixMicro(), ceilMicro(tomb), (budget.DefaultTTL + grace).Milliseconds()}
	for _, b := range buckets {
		arg, ttl := window(b.Window, now)
		args = append(args, rolling(b.Window), arg, ttl)
	}
	_, err := s.run(ctx, commitScript, s.keys(buckets), args)
	return err
}

func (s *Store) redisRefund(ctx context.Context, id string, buckets []budget.Bucket) error {
	_, err := s.run(ctx, refundScript, s.keys(buckets), []any{id})
	return err
}

func (s *Store) redisRemaining(ctx context.Context, buckets []budget.Bucket, need budget.Nanos, now time.Time) (budget.Status, error) {
	args := []any{now.UnixMilli(), now.UnixMicro()}
	for _, b := range buckets {
		arg, _ := window(b.Window, now)
		args = append(args, rolling(b.Window), arg)
	}
	v, err := s.run(ctx, remainingScript, s.keys(buckets), args)
	if err != nil {
		return budget.Status{}, err
	}
	res, ok := v.([]any)
	if !ok || len(res) != len(buckets) {
		return budget.Status{}, fmt.Errorf("redisstore: remaining: unexpected reply %v", v)
	}
	var st budget.Status
	for i, b := range buckets {
		x, err := status(b, res[i], need, now)
		if err != nil {
			return budget.Status{}, err
		}
		s.remember(b, x.Spent, now)
		if i == 0 || x.Remaining < st.Remaining {
			st = x
			st.Bucket = i
		}
	}
	return st, nil
}

// run runs a script with the store's timeout. It returns at the deadline
// even when the client ignores contexts (ContextTimeoutEnabled off): the
// command is then abandoned to the client's own timeouts.
func (s *Store) run(ctx context.Context, sc *redis.Script, keys []string, args []any) (any, error) {
	return within(ctx, s.timeout, &s.calls, func(ctx context.Context) (any, error) {
		return sc.Run(ctx, s.rdb, keys, args...).Result()
	})
}

func parseNanos(v any) (budget.Nanos, error) {
	switch x := v.(type) {
	case int64:
		return budget.Nanos(x), nil
	case string:
		n, err := strconv.ParseInt(x, 10, 64)
		return budget.Nanos(n), err
	}
	return 0, fmt.Errorf("redisstore: unexpected amount %v", v)
}

// status describes bucket b from its hash (an HGETALL reply) at now for a
// request needing need, as budget.MemoryStore does.
func status(b budget.Bucket, hash any, need budget.Nanos, now time.Time) (budget.Status, error) {
	f, ok := hash.([]any)
	if !ok || len(f)%2 != 0 {
		return budget.Status{}, fmt.Errorf("redisstore: bucket %s: unexpected hash %v", b.Key, hash)
	}
	var spent, held budget.Nanos
	var calEnd int64
	type slot struct {
		n     int64
		spent budget.Nanos
	}
	var slots []slot
	k := b.Window.Slot(now)
	for i := 0; i < len(f); i += 2 {
		name, _ := f[i].(string)
		v, _ := f[i+1].(string)
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return budget.Status{}, fmt.Errorf("redisstore: bucket %s: field %s: %w", b.Key, name, err)
		}
		switch {
		case name == "held":
			held = budget.Nanos(n)
		case name == "c":
			spent = budget.Nanos(n)
		case name == "ce":
			calEnd = n
		case len(name) > 1 && name[0] == 's' && b.Window.Rolling:
			sn, err := strconv.ParseInt(name[1:], 10, 64)
			if err == nil && sn > k-budget.RollingSlots && sn <= k {
				spent += budget.Nanos(n)
				if n > 0 {
					slots = append(slots, slot{sn, budget.Nanos(n)})
				}
			}
		}
	}
	st := budget.Status{Limit: b.Limit, Spent: spent, Held: held, Remaining: max(0, b.Limit-spent-held)}
	short := need - (b.Limit - spent - held) // what must leave the window
	if short <= 0 || short > spent {
		return st, nil // it fits; or holds alone are in the way
	}
	if !b.Window.Rolling {
		st.Resets = time.UnixMilli(calEnd).UTC()
		return st, nil
	}
	slices.SortFunc(slots, func(x, y slot) int { return int(x.n - y.n) })
	var freed budget.Nanos
	for _, sl := range slots {
		if freed += sl.spent; freed >= short {
			st.Resets = b.Window.SlotEnd(sl.n)
			break
		}
	}
	return st, nil
}

// Usage reports a bucket's spend in its window at now and what requests
// in flight hold on it, as Redis counts them (lapsed holds dropped); it
// reads Redis only, never the local fallback, and returns Redis's error
// (ctx bounds the Redis call: its end is returned as the error).
func (s *Store) Usage(ctx context.Context, b budget.Bucket, now time.Time) (spent, held budget.Nanos, err error) {
	if s.rdb == nil {
		return 0, 0, errZeroStore
	}
	st, err := s.redisRemaining(ctx, []budget.Bucket{b}, 0, now)
	return st.Spent, st.Held, err
}
