package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/llmrouter/llmrouter/breaker"
	"github.com/redis/go-redis/v9"
)

// Defaults of BreakersOptions.
const (
	DefaultBreakerPrefix = "llmrouter-breaker:"
	DefaultCacheFor      = time.Second
)

// BreakersOptions configures Breakers. The zero value is ready to use.
type BreakersOptions struct {
	// Prefix starts every key (one string key per model). Default
	// DefaultBreakerPrefix.
	Prefix string
	// Timeout bounds each call to Redis; past it the call counts as
	// failed and the breakers act alone. Default DefaultTimeout.
	Timeout time.Duration
	// CacheFor is how long, on the breakers' clock, a model's open-until
	// read from Redis is reused before it is read again: a trip on
	// another replica reaches this one within CacheFor. Default
	// DefaultCacheFor.
	CacheFor time.Duration
}

// Breakers is a breaker.Shared on Redis: set it as breaker.Settings.Shared
// (llmrouter.Fallback.Breaker.Shared) on every replica, each with its own
// Breakers on the same Redis and Prefix, and a model that trips on one
// replica cools down on all.
//
// Each model is one key holding the end of its open period in Unix
// milliseconds of the routers' clock (never Redis's), set only when later
// than the stored end, expiring a minute after that end. Opened costs one
// round trip per trip (rare); OpenUntil reads Redis at most once per
// model per CacheFor and otherwise answers from memory, so most requests
// cost no round trip. When Redis fails or is slower than Timeout,
// OpenUntil answers the last end this replica read or published (the
// zero time if none) and the breakers act alone; Redis is tried again at
// the next read, CacheFor later. No call blocks longer than about
// Timeout; none panics. Safe for concurrent use. Build it with
// NewBreakers: the zero value is not usable (Validate and Err return an
// error saying so, which breaker.Settings.Validate and so llmrouter.New
// report; OpenUntil and Opened panic with it, which a breaker recovers
// from, acting alone).
type Breakers struct {
	rdb      redis.UniversalClient
	prefix   string
	timeout  time.Duration
	cacheFor time.Duration
	trips    atomic.Int64 // round trips to Redis
	calls    sync.WaitGroup

	mu      sync.Mutex
	cache   map[string]openEntry
	lastErr error
}

// openEntry is what this replica knows of one model's open period.
type openEntry struct {
	until time.Time // latest end read or published
	read  time.Time // when Redis was last asked (zero: never)
}

// maxModels bounds Breakers.cache; past it the map starts over.
const maxModels = 1 << 12

var _ breaker.Shared = (*Breakers)(nil)

// openedScript sets KEYS[1] to ARGV[1] (the end, ms) with expiry ARGV[2]
// (ms) unless it already holds a later end, and returns the end it holds.
var openedScript = redis.NewScript(`
local cur = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
local want = tonumber(ARGV[1])
if want > cur then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return ARGV[1]
end
return tostring(cur)
`)

// NewBreakers returns Breakers on rdb (a *redis.Client, *redis.ClusterClient
// or *redis.Ring). It fails on a nil client or a negative Timeout or
// CacheFor. It does not contact Redis.
func NewBreakers(rdb redis.UniversalClient, o BreakersOptions) (*Breakers, error) {
	switch {
	case rdb == nil:
		return nil, errors.New("redisstore: nil client")
	case o.Timeout < 0 || o.CacheFor < 0:
		return nil, fmt.Errorf("redisstore: negative Timeout %s or CacheFor %s", o.Timeout, o.CacheFor)
	}
	s := &Breakers{rdb: rdb, prefix: o.Prefix, timeout: o.Timeout, cacheFor: o.CacheFor, cache: map[string]openEntry{}}
	if s.prefix == "" {
		s.prefix = DefaultBreakerPrefix
	}
	if s.timeout == 0 {
		s.timeout = DefaultTimeout
	}
	if s.cacheFor == 0 {
		s.cacheFor = DefaultCacheFor
	}
	return s, nil
}

// errZeroBreakers is what a Breakers NewBreakers did not make (its zero
// value) returns, or panics with where a method returns no error (a
// breaker recovers its Shared's panic and acts alone).
var errZeroBreakers = errors.New("redisstore: Breakers not made by NewBreakers (its zero value is not usable)")

// Validate reports whether s can be used: an error saying so for a
// Breakers NewBreakers did not make (the zero value), nil otherwise.
// breaker.Settings.Validate (which a router's New calls) calls it on
// Shared, so that a zero Breakers is refused there rather than each
// breaker recovering its panics and acting alone.
func (s *Breakers) Validate() error {
	if s.rdb == nil {
		return errZeroBreakers
	}
	return nil
}

func (s *Breakers) mustBeBuilt() {
	if s.rdb == nil {
		panic(errZeroBreakers.Error())
	}
}

// OpenUntil implements breaker.Shared: the end of model's open period as
// Redis last told it (read again when older than CacheFor at now) or as
// this replica published it, whichever is later.
func (s *Breakers) OpenUntil(model string, now time.Time) time.Time {
	s.mustBeBuilt()
	s.mu.Lock()
	e := s.cache[model]
	if !e.read.IsZero() && !now.Before(e.read) && now.Sub(e.read) < s.cacheFor {
		s.mu.Unlock()
		return e.until
	}
	e.read = now // concurrent callers use the old answer while this one asks
	s.putLocked(model, e)
	s.mu.Unlock()

	v, err := s.call(func(ctx context.Context) (any, error) { return s.rdb.Get(ctx, s.prefix+model).Result() })
	if errors.Is(err, redis.Nil) {
		v, err = "0", nil
	}
	return s.learn(model, v, err, time.Time{})
}

// learn records what Redis answered about model (an end in ms, or err),
// marking it read at read unless that is zero, and returns the end this
// replica now knows.
func (s *Breakers) learn(model string, v any, err error, read time.Time) time.Time {
	var until time.Time
	if err == nil {
		ms, perr := strconv.ParseInt(fmt.Sprint(v), 10, 64)
		if perr != nil {
			err = fmt.Errorf("redisstore: breaker key %s%s: %w", s.prefix, model, perr)
		} else if ms > 0 {
			until = time.UnixMilli(ms).UTC()
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastErr = err
	e := s.cache[model]
	if until.After(e.until) {
		e.until = until
	}
	if err == nil && !read.IsZero() {
		e.read = read
	}
	s.putLocked(model, e)
	return e.until
}

// Opened implements breaker.Shared: it remembers the end locally and sets
// it on Redis unless Redis holds a later one, which it then learns (one
// round trip, at most Timeout; a failure leaves the other replicas
// uninformed).
func (s *Breakers) Opened(model string, now, until time.Time) {
	s.mustBeBuilt()
	s.mu.Lock()
	e := s.cache[model]
	if until.After(e.until) {
		e.until = until
		s.putLocked(model, e)
	}
	s.mu.Unlock()
	endMs := (until.UnixNano() + int64(time.Millisecond) - 1) / int64(time.Millisecond)
	ttl := max(1, (until.Sub(now) + grace).Milliseconds())
	v, err := s.call(func(ctx context.Context) (any, error) {
		return openedScript.Run(ctx, s.rdb, []string{s.prefix + model}, endMs, ttl).Result()
	})
	s.learn(model, v, err, now) // the script's answer is a read, too
}

// Err returns the error of the last call to Redis, nil if it succeeded
// (or none was made).
func (s *Breakers) Err() error {
	if s.rdb == nil {
		return errZeroBreakers
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastErr
}

// RoundTrips returns how many calls to Redis were made.
func (s *Breakers) RoundTrips() int { return int(s.trips.Load()) }

func (s *Breakers) putLocked(model string, e openEntry) {
	if _, ok := s.cache[model]; !ok && len(s.cache) >= maxModels {
		s.cache = map[string]openEntry{}
	}
	s.cache[model] = e
}

// call runs f with the timeout and returns at the deadline even when the
// client ignores contexts (the command is then abandoned to the client's
// own timeouts).
func (s *Breakers) call(f func(context.Context) (any, error)) (any, error) {
	s.trips.Add(1)
	return within(context.Background(), s.timeout, &s.calls, f)
}
