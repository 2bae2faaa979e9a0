package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/llmrouter/llmrouter/budget"
)

// maxByID bounds the Redis reservations kept to settle once Redis is
// back; past it a commit is charged without releasing its hold (which
// lapses at its expiry) and a refund is dropped (likewise).
const maxByID = 1 << 16

// settlement is what Redis must be told when it is back: a commit of
// reservation id (cost > 0 or not), a refund, or (id "") a charge made
// while Redis was away, summed per bucket and window.
type settlement struct {
	id      string
	buckets []budget.Bucket
	cost    budget.Nanos
	now     time.Time
	refund  bool
}

type aggKey struct {
	bucket string
	window string
}

// errZeroStore is what every method of a Store New did not make (its
// zero value) returns.
var errZeroStore = errors.New("redisstore: Store not made by New (its zero value is not usable)")

// Degraded reports whether the store is serving calls locally because
// Redis failed or timed out. Safe for concurrent use (an atomic read).
func (s *Store) Degraded() bool { return s.degradedNow.Load() }

// Validate reports whether s can be used: an error saying so for a Store
// New did not make (the zero value), nil otherwise. budget.New calls it
// on Config.Store, so that a zero Store is refused there rather than
// failing every call.
func (s *Store) Validate() error {
	if s.rdb == nil {
		return errZeroStore
	}
	return nil
}

// Reserve implements budget.Store. While degraded, it reserves from the
// local share of every limit.
func (s *Store) Reserve(ctx context.Context, r budget.Reservation) (budget.Nanos, *budget.Status, error) {
	if s.rdb == nil {
		return 0, nil, errZeroStore
	}
	if err := ctx.Err(); err != nil {
		return 0, nil, err // nothing sent: nothing to undo
	}
	if s.useRedis(ctx) {
		got, st, err := s.redisReserve(ctx, r)
		if err == nil {
			return got, st, nil
		}
		if ctx.Err() != nil {
			// The caller gave up, not Redis, which may have made the
			// hold all the same: release it in the background.
			s.settleLater(ctx, settlement{id: r.ID, buckets: r.Buckets, refund: true})
			return 0, nil, err
		}
		// The hold may have been made: release it when Redis is back.
		s.fail(err, &settlement{id: r.ID, buckets: r.Buckets, refund: true})
	}
	lr := r
	lr.Buckets = s.scaled(r.Buckets, r.Now)
	got, st, err := s.local.Reserve(ctx, lr)
	if err == nil && st == nil {
		s.mu.Lock()
		s.sweepLocalIDs(r.Now)
		s.localIDs[r.ID] = r.Expires
		s.mu.Unlock()
	}
	return got, st, err
}

// Commit implements budget.Store. A reservation made locally is committed
// locally and charged to Redis (now, or when it is back); one made on
// Redis while Redis is away is charged locally too, so the local share
// counts it, and settled on Redis when it is back.
func (s *Store) Commit(ctx context.Context, id string, buckets []budget.Bucket, cost budget.Nanos, now time.Time) error {
	if s.rdb == nil {
		return errZeroStore
	}
	s.mu.Lock()
	_, isLocal := s.localIDs[id]
	delete(s.localIDs, id)
	s.mu.Unlock()
	if isLocal {
		_ = s.local.Commit(ctx, id, s.scaled(buckets, now), cost, now) // the memory store never fails
		return s.settle(ctx, settlement{id: id, buckets: buckets, cost: cost, now: now})
	}
	if s.useRedis(ctx) {
		err := s.redisCommit(ctx, id, buckets, cost, now)
		if err == nil {
			return nil
		}
		st := settlement{id: id, buckets: buckets, cost: cost, now: now}
		if ctx.Err() != nil {
			s.settleLater(ctx, st) // the caller gave up, not Redis
			return err
		}
		s.fail(err, &st)
	} else {
		s.settle(ctx, settlement{id: id, buckets: buckets, cost: cost, now: now})
	}
	return s.local.Commit(ctx, id, s.scaled(buckets, now), cost, now)
}

// Refund implements budget.Store.
func (s *Store) Refund(ctx context.Context, id string, buckets []budget.Bucket) error {
	if s.rdb == nil {
		return errZeroStore
	}
	s.mu.Lock()
	_, isLocal := s.localIDs[id]
	delete(s.localIDs, id)
	s.mu.Unlock()
	if isLocal {
		return s.local.Refund(ctx, id, buckets) // the memory store's refund reads no limit
	}
	return s.settle(ctx, settlement{id: id, buckets: buckets, refund: true})
}

// Remaining implements budget.Store. While degraded it reports the local
// share.
func (s *Store) Remaining(ctx context.Context, buckets []budget.Bucket, need budget.Nanos, now time.Time) (budget.Status, error) {
	if s.rdb == nil {
		return budget.Status{}, errZeroStore
	}
	if err := ctx.Err(); err != nil {
		return budget.Status{}, err
	}
	if s.useRedis(ctx) {
		st, err := s.redisRemaining(ctx, buckets, need, now)
		if err == nil {
			return st, nil
		}
		if ctx.Err() != nil {
			return budget.Status{}, err
		}
		s.fail(err, nil)
	}
	return s.local.Remaining(ctx, s.scaled(buckets, now), need, now)
}

// remember keeps the spend Redis reported for b at now.
func (s *Store) remember(b budget.Bucket, spent budget.Nanos, now time.Time) {
	w, _ := window(b.Window, now)
	if b.Window.Rolling {
		w = "" // spend leaves a rolling window: an old figure only overstates it
	}
	s.mu.Lock()
	if len(s.seen) >= maxSeen {
		clear(s.seen)
	}
	s.seen[b.Key] = seenSpend{spent, w}
	s.mu.Unlock()
}

// scaled is buckets with each limit cut to the local share of what Redis
// last reported left, to a Remaining or a Reserve (of the whole limit for
// a bucket it never reported, or in a calendar window since passed).
func (s *Store) scaled(buckets []budget.Bucket, now time.Time) []budget.Bucket {
	out := make([]budget.Bucket, len(buckets))
	s.mu.Lock()
	for i, b := range buckets {
		if m, ok := s.seen[b.Key]; ok {
			w := ""
			if !b.Window.Rolling {
				w, _ = window(b.Window, now)
			}
			if w == m.window {
				b.Limit = max(0, b.Limit-m.spent)
			}
		}
		b.Limit = budget.Nanos(float64(b.Limit) * s.share)
		out[i] = b
	}
	s.mu.Unlock()
	return out
}

// sweepLocalIDs forgets local reservations that have lapsed; called with
// s.mu held, when the map has grown.
func (s *Store) sweepLocalIDs(now time.Time) {
	if len(s.localIDs) < 1024 || len(s.localIDs)&1023 != 0 {
		return
	}
	for id, exp := range s.localIDs {
		if !now.Before(exp) {
			delete(s.localIDs, id)
		}
	}
}

// settle tells Redis st now, or queues it while Redis is away. When ctx
// ends first it returns ctx's error and settles st in the background
// (settleLater): the caller gave up, Redis did not fail.
func (s *Store) settle(ctx context.Context, st settlement) error {
	if !s.useRedis(ctx) {
		s.mu.Lock()
		if s.degraded {
			s.queue(st)
			s.mu.Unlock()
			return nil
		}
		s.mu.Unlock() // recovered in between
	}
	if err := s.redisSettle(ctx, st); err != nil {
		if ctx.Err() != nil {
			s.settleLater(ctx, st)
			return err
		}
		s.fail(err, &st)
	}
	return nil
}

// settleLater settles st in the background, bounded by the timeout as
// any call (a failure of Redis degrades the store and queues st): what a
// caller that gave up had started is finished, or its hold released.
// Redis may have applied st already; a settlement of a reservation id
// sent again counts once.
func (s *Store) settleLater(ctx context.Context, st settlement) {
	s.calls.Add(1)
	go func() {
		defer s.calls.Done()
		_ = s.settle(context.WithoutCancel(ctx), st)
	}()
}

func (s *Store) redisSettle(ctx context.Context, st settlement) error {
	if st.refund {
		return s.redisRefund(ctx, st.id, st.buckets)
	}
	return s.redisCommit(ctx, st.id, st.buckets, st.cost, st.now)
}

// queue keeps st for Redis's return; s.mu held.
func (s *Store) queue(st settlement) {
	if st.id != "" && len(s.byID) < maxByID {
		s.byID = append(s.byID, st)
		return
	}
	if st.refund {
		return // the hold lapses on Redis at its expiry
	}
	for _, b := range st.buckets {
		w, _ := window(b.Window, st.now)
		k := aggKey{b.Key, w}
		if a := s.agg[k]; a != nil {
			a.cost += st.cost
			continue
		}
		s.agg[k] = &settlement{buckets: []budget.Bucket{b}, cost: st.cost, now: st.now}
	}
}

// fail degrades the store after Redis's error err, queueing st (if any)
// in the same step, so that a recovery cannot miss it.
func (s *Store) fail(err error, st *settlement) {
	s.mu.Lock()
	was := s.degraded
	s.degraded = true
	s.degradedNow.Store(true)
	s.probeAt = s.clock.Now().Add(s.retryEvery)
	if st != nil {
		s.queue(*st)
	}
	s.mu.Unlock()
	if !was && s.onState != nil {
		s.onState(true, err)
	}
}

// useRedis reports whether a call should go to Redis: the store is
// healthy, or degraded with a retry due and this call's retry recovered.
func (s *Store) useRedis(ctx context.Context) bool {
	if !s.degradedNow.Load() {
		return true
	}
	s.mu.Lock()
	due := s.degraded && !s.clock.Now().Before(s.probeAt)
	s.mu.Unlock()
	if !due || !s.probing.CompareAndSwap(false, true) {
		return false
	}
	defer s.probing.Store(false)
	// An error with the store healthy: the drain recovered just before
	// the deadline that ended recover. That is a recovery too.
	if err := s.recover(ctx); err != nil && s.degradedNow.Load() {
		s.mu.Lock()
		s.probeAt = s.clock.Now().Add(s.retryEvery)
		s.mu.Unlock()
		return false
	}
	if s.onState != nil {
		s.onState(false, nil)
	}
	return true
}

// recover loads the scripts (a restarted Redis has none) and settles
// what was queued, within one Timeout; the store is healthy again once
// nothing is left queued, before the deadline (a recovery answering
// later, from a client that ignores deadlines, leaves the store degraded
// until the next retry, so that OnStateChange misses no change).
func (s *Store) recover(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.timeout)
	defer cancel()
	done := make(chan error, 1)
	s.calls.Add(1) // abandoned at the deadline, it ends soon after (tests wait for it)
	go func() {
		defer s.calls.Done()
		done <- s.drain(ctx)
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Store) drain(ctx context.Context) error {
	pipe := s.rdb.Pipeline()
	for _, sc := range scripts {
		sc.Load(ctx, pipe)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("redisstore: loading scripts: %w", err)
	}
	for {
		s.mu.Lock()
		if len(s.byID) == 0 && len(s.agg) == 0 {
			if err := ctx.Err(); err != nil { // the retry was served locally: the next one decides
				s.mu.Unlock()
				return err
			}
			s.degraded = false
			s.degradedNow.Store(false)
			s.mu.Unlock()
			return nil
		}
		batch := s.byID
		s.byID = nil
		for k, a := range s.agg {
			batch = append(batch, *a)
			delete(s.agg, k)
		}
		s.mu.Unlock()
		var failed []settlement
		var first error
		for i, st := range batch {
			err := ctx.Err()
			if err == nil {
				err = s.redisSettle(ctx, st)
			}
			if err != nil {
				failed = batch[i:]
				first = err
				break
			}
		}
		if failed != nil {
			s.mu.Lock()
			for _, st := range failed {
				s.queue(st)
			}
			s.mu.Unlock()
			return first
		}
	}
}
