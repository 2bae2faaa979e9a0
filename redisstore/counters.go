package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// counters is what Latency and Learner share: sums of float increments
// in Redis hashes (key → field → total), added by every replica and read
// back by all. Increments are summed locally and sent in one batch per
// sync, one round trip that also reads the keys of interest, at most
// once per every (on the callers' clock), started by the call that finds
// a sync due and run in the background, one at a time: every call
// answers from memory, so totals lag Redis by up to every plus a round
// trip, and a sync's result is what the calls after it ends see.
//
// A batch is applied by a Lua script that first sets a marker named by
// the batch's random id (SET NX): a batch whose reply was lost (a
// timeout, Redis killed after applying it) is sent again with the same id
// and applied once. Only one batch is in flight; increments made
// meanwhile wait for the next sync. While Redis fails, increments keep
// summing locally (one float per key and field, whatever the outage's
// length) and the totals served are the last read plus them.
type counters struct {
	rdb     redis.UniversalClient
	prefix  string // of the batch markers: the keys' prefix, so one hash tag puts all in one slot
	timeout time.Duration
	every   time.Duration
	trips   atomic.Int64
	calls   sync.WaitGroup // commands abandoned at their deadline (tests wait for them)
	bg      sync.WaitGroup // the sync running in the background (tests wait for it)

	mu       sync.Mutex
	pending  map[string]map[string]float64 // increments not yet sent
	inflight *batch                        // sent, not known applied; resent until it is
	read     map[string]map[string]float64 // totals as Redis last reported them
	mine     map[string]map[string]float64 // what this replica's applied batches added
	epoch    string                        // the epoch key's value at the last sync
	resets   int                           // times Redis was found to have lost its data
	gen      uint64                        // bumped at every sync attempt
	next     time.Time                     // when the next sync is due
	syncing  bool
	idle     *sync.Cond // on mu: broadcast when a sync ends
	lastErr  error
	degraded bool
}

type batch struct {
	id   string
	inc  map[string]map[string]float64
	redo bool // what this replica had added, added again after Redis lost it
}

// seededField marks a hash a state file's seed created (see seedScript):
// it already holds every replica's part, so a replica's re-add after
// Redis lost its data skips it.
const seededField = "seeded"

// epochScript returns the epoch key KEYS[1], setting it to ARGV[1] if
// missing: a value other than the one a replica saw last means Redis lost
// its data (restarted without persistence, flushed, failed over to a
// replica that had not caught up), and each replica then adds again what
// it had added.
var epochScript = `
local e = redis.call('GET', KEYS[1])
if not e then redis.call('SET', KEYS[1], ARGV[1]); return ARGV[1] end
return e
`

// markerTTL is how long a batch's marker lives: a batch retried later
// than that after it was applied (and its reply lost) would count twice.
const markerTTL = time.Hour

// addScript applies a batch once. KEYS[1] is the batch's marker,
// KEYS[2..] the hashes; ARGV[1] the marker's ttl (ms), ARGV[2] 1 for a
// re-add (which skips the hashes a seed restored), then per hash its ttl
// (ms, 0: none), its number of fields, then field, increment pairs.
var addScript = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return 0 end
local redo = ARGV[2] == '1'
local i = 3
for k = 2, #KEYS do
  local ttl = tonumber(ARGV[i]); local n = tonumber(ARGV[i+1]); i = i + 2
  if redo and redis.call('HEXISTS', KEYS[k], '` + seededField + `') == 1 then
    i = i + 2 * n
  else
    for j = 1, n do
      redis.call('HINCRBYFLOAT', KEYS[k], ARGV[i], ARGV[i+1]); i = i + 2
    end
    if ttl > 0 then redis.call('PEXPIRE', KEYS[k], ttl) end
  end
end
return 1
`

func newCounters(rdb redis.UniversalClient, prefix string, timeout, every time.Duration) *counters {
	c := &counters{rdb: rdb, prefix: prefix, timeout: timeout, every: every,
		pending: map[string]map[string]float64{}, read: map[string]map[string]float64{}, mine: map[string]map[string]float64{}}
	c.idle = sync.NewCond(&c.mu)
	return c
}

// add sums inc[i] into the pending increment of key's field name(i).
func (c *counters) add(key string, inc []float64, name func(int) string) {
	c.mu.Lock()
	p := c.pending[key]
	if p == nil {
		p = make(map[string]float64, len(inc))
		c.pending[key] = p
	}
	for i, v := range inc {
		p[name(i)] += v
	}
	c.mu.Unlock()
}

// due reports whether a sync is due at now and, if so, claims it (the
// caller must then call sync).
func (c *counters) due(now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.syncing || now.Before(c.next) && c.next.Sub(now) <= c.every { // a clock set back does not stop syncs
		return false
	}
	c.syncing = true
	c.next = now.Add(c.every)
	return true
}

// start runs f, the sync a caller claimed with due, in the background
// (due lets one run at a time), so that no request waits on Redis, slow
// or failing: the caller answers from memory, and f's result (a new
// generation) is seen by the calls made after it ends. f is bounded by
// the timeout.
func (c *counters) start(f func()) {
	c.bg.Add(1)
	go func() {
		defer c.bg.Done()
		f()
	}()
}

// claim waits for the sync running, if any, to end (at most about the
// timeout), and claims one (the caller must then call sync): a flush.
func (c *counters) claim() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.syncing {
		c.idle.Wait()
	}
	c.syncing = true
}

// soon makes the next sync due at once.
func (c *counters) soon() {
	c.mu.Lock()
	c.next = time.Time{}
	c.mu.Unlock()
}

// sync sends the batch in flight (or the pending increments as a new
// one) and reads keys, in one round trip bounded by the timeout; ttl
// gives each written key's expiry (0: none). On success the read totals
// replace the old; on failure they are kept (forget drops those no
// longer wanted) and the batch stays in flight. Only the caller that
// claimed the sync with due or claim (or a test, alone) calls it.
func (c *counters) sync(keys []string, ttl func(key string) time.Duration, forget func(key string) bool) error {
	if ttl == nil {
		ttl = func(string) time.Duration { return 0 }
	}
	c.mu.Lock()
	if c.inflight == nil && len(c.pending) > 0 {
		c.inflight = &batch{id: newID(), inc: c.pending}
		c.pending = map[string]map[string]float64{}
	}
	b := c.inflight
	c.mu.Unlock()

	var ks []string
	var args []any
	if b != nil {
		ks = append(ks, c.prefix+"batch:"+b.id)
		redo := 0
		if b.redo {
			redo = 1
		}
		args = append(args, markerTTL.Milliseconds(), redo)
		for k, fs := range b.inc {
			ks = append(ks, k)
			args = append(args, ttl(k).Milliseconds(), len(fs))
			for f, v := range fs {
				args = append(args, f, strconv.FormatFloat(v, 'g', -1, 64))
			}
		}
	}
	if b == nil && len(keys) == 0 {
		c.mu.Lock()
		c.syncing = false
		c.idle.Broadcast()
		c.mu.Unlock()
		return nil
	}
	c.trips.Add(1)
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	type result struct {
		got   []map[string]string
		epoch string
		err   error
	}
	ch := make(chan result, 1)
	c.calls.Add(1)
	go func() {
		defer c.calls.Done()
		pipe := c.rdb.Pipeline()
		epoch := pipe.Eval(ctx, epochScript, []string{c.prefix + "epoch"}, newID())
		if b != nil {
			pipe.Eval(ctx, addScript, ks, args...)
		}
		reads := make([]*redis.MapStringStringCmd, len(keys))
		for i, k := range keys {
			reads[i] = pipe.HGetAll(ctx, k)
		}
		_, err := pipe.Exec(ctx)
		var got []map[string]string
		if err == nil {
			got = make([]map[string]string, len(keys))
			for i, r := range reads {
				got[i] = r.Val()
			}
		}
		e, _ := epoch.Text()
		ch <- result{got, e, err}
	}()
	var r result
	select {
	case r = <-ch:
	case <-ctx.Done():
		r.err = ctx.Err()
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	c.syncing = false
	c.idle.Broadcast()
	c.gen++
	if forget != nil {
		for _, m := range []map[string]map[string]float64{c.read, c.mine} {
			for k := range m {
				if forget(k) {
					delete(m, k)
				}
			}
		}
	}
	if r.err != nil {
		c.lastErr = fmt.Errorf("redisstore: %w", r.err)
		c.degraded = true
		return c.lastErr
	}
	c.lastErr, c.degraded = nil, false
	var redo map[string]map[string]float64
	if c.epoch != "" && r.epoch != c.epoch {
		// Redis lost what was added before this sync's batch (applied
		// after the epoch check): add this replica's part again.
		redo, c.mine = c.mine, map[string]map[string]float64{}
		c.resets++
	}
	c.epoch = r.epoch
	c.inflight = nil
	seeded := func(k string) bool { // read back after b: a re-add skipped it
		for i, rk := range keys {
			if rk == k {
				_, ok := r.got[i][seededField]
				return ok
			}
		}
		return false
	}
	if b != nil {
		for k, fs := range b.inc {
			if b.redo && seeded(k) {
				continue // the seed holds this replica's part: no longer its own
			}
			m := c.mine[k]
			if m == nil {
				m = make(map[string]float64, len(fs))
				c.mine[k] = m
			}
			for f, v := range fs {
				m[f] += v
			}
		}
	}
	if len(redo) > 0 {
		c.inflight = &batch{id: newID(), inc: redo, redo: true} // counted in totals until applied, at the next sync
	}
	read := make(map[string]map[string]float64, len(keys))
	for i, k := range keys {
		if len(r.got[i]) == 0 {
			continue
		}
		fs := make(map[string]float64, len(r.got[i]))
		for f, s := range r.got[i] {
			if v, err := strconv.ParseFloat(s, 64); err == nil {
				fs[f] = v
			}
		}
		read[k] = fs
	}
	c.read = read
	return nil
}

// totals calls f with each key's totals as this replica knows them (the
// last read plus the increments not yet applied), under the lock; f must
// not keep the map.
func (c *counters) totals(key string, f func(field string, v float64)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for fl, v := range c.read[key] {
		f(fl, v)
	}
	if c.inflight != nil {
		for fl, v := range c.inflight.inc[key] {
			f(fl, v)
		}
	}
	for fl, v := range c.pending[key] {
		f(fl, v)
	}
}

// state returns the sync generation, whether the last sync failed, and
// its error.
func (c *counters) state() (gen uint64, degraded bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen, c.degraded, c.lastErr
}

// prunePending drops pending increments of keys forget says are no
// longer needed (past every window), so an outage cannot grow them.
func (c *counters) prunePending(forget func(string) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.pending {
		if forget(k) {
			delete(c.pending, k)
		}
	}
}

func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
