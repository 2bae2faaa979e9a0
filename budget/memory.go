package budget

import (
	"context"
	"hash/maphash"
	"math"
	"slices"
	"sync"
	"time"
)

// memShards is how many independently locked shards a MemoryStore has:
// requests of different users seldom wait for each other.
const memShards = 64

// MemoryStore is a Store in the process's memory, sharded by bucket key.
// A reservation locks the shards of its buckets in order, so it is atomic
// across them. Buckets whose window has passed with nothing held are
// dropped as the store grows, so memory follows the active users, not
// every user ever seen. Totals past what Nanos hold (about $9.2e9)
// saturate rather than wrap. Safe for concurrent use; the zero value is
// an empty store, as NewMemoryStore returns.
type MemoryStore struct {
	seedOnce sync.Once
	seed     maphash.Seed
	shards   [memShards]memShard
}

type memShard struct {
	mu      sync.Mutex
	buckets map[string]*memBucket
	sweepAt int // sweep stale buckets when the map grows past this
}

type memBucket struct {
	win Window
	// calendar window: spend since the window ending at calEnd began
	calEnd time.Time
	spent  Nanos
	// rolling window: spend per slot; slotNo says which slot a cell holds
	slots  [RollingSlots]Nanos
	slotNo [RollingSlots]int64

	held       Nanos
	holds      map[string]memHold
	nextExpiry time.Time // earliest hold expiry; zero when none
}

type memHold struct {
	amount  Nanos
	expires time.Time
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore {
	s := &MemoryStore{}
	for i := range s.shards {
		s.shards[i].buckets = make(map[string]*memBucket)
		s.shards[i].sweepAt = 64
	}
	return s
}

// shard returns the index of key's shard (seeding the hash on first use,
// which the zero value needs).
func (s *MemoryStore) shard(key string) int {
	s.seedOnce.Do(func() { s.seed = maphash.MakeSeed() })
	return int(maphash.String(s.seed, key) % memShards)
}

// lock locks the shards of buckets (in shard order, so that concurrent
// calls never deadlock) and appends their state to bs, creating it if
// missing, in the buckets' order; it returns the shards locked, for
// unlock. The caller passes buffers on its stack: a call allocates
// nothing for up to 8 buckets.
func (s *MemoryStore) lock(buckets []Bucket, now time.Time, shards []int, bs []*memBucket) ([]int, []*memBucket) {
	for _, b := range buckets {
		shards = append(shards, s.shard(b.Key))
	}
	order := shards[len(buckets):]
	order = append(order, shards[:len(buckets)]...)
	slices.Sort(order)
	order = slices.Compact(order)
	for _, i := range order {
		s.shards[i].mu.Lock()
	}
	for k, b := range buckets {
		sh := &s.shards[shards[k]]
		mb := sh.buckets[b.Key]
		if mb == nil {
			if sh.buckets == nil { // the zero value's shard
				sh.buckets = make(map[string]*memBucket)
			}
			if len(sh.buckets) >= sh.sweepAt {
				sh.sweep(now)
			}
			mb = &memBucket{win: b.Window}
			sh.buckets[b.Key] = mb
		}
		mb.advance(now)
		bs = append(bs, mb)
	}
	return order, bs
}

func (s *MemoryStore) unlock(order []int) {
	for _, i := range order {
		s.shards[i].mu.Unlock()
	}
}

// sweep drops buckets that hold nothing and count no spend at now.
func (sh *memShard) sweep(now time.Time) {
	for k, b := range sh.buckets {
		b.advance(now)
		if b.held == 0 && b.spentNow(now) == 0 {
			delete(sh.buckets, k)
		}
	}
	sh.sweepAt = max(64, 2*len(sh.buckets))
}

// advance drops lapsed holds and a calendar window's past spend.
func (b *memBucket) advance(now time.Time) {
	if !b.win.Rolling && !now.Before(b.calEnd) {
		_, b.calEnd = b.win.Calendar(now)
		b.spent = 0
	}
	if b.nextExpiry.IsZero() || now.Before(b.nextExpiry) {
		return
	}
	b.nextExpiry = time.Time{}
	for id, h := range b.holds {
		if !now.Before(h.expires) {
			b.drop(id, h.amount)
		} else if b.nextExpiry.IsZero() || h.expires.Before(b.nextExpiry) {
			b.nextExpiry = h.expires
		}
	}
}

// spentNow is the spend counted in the window at now.
func (b *memBucket) spentNow(now time.Time) Nanos {
	if !b.win.Rolling {
		return b.spent
	}
	k := b.win.Slot(now)
	var sum Nanos
	for i, n := range b.slotNo {
		if n > k-RollingSlots && n <= k {
			sum = addSat(sum, b.slots[i])
		}
	}
	return sum
}

func (b *memBucket) charge(cost Nanos, now time.Time) {
	if !b.win.Rolling {
		b.spent = addSat(b.spent, cost)
		return
	}
	k := b.win.Slot(now)
	i := int(((k % RollingSlots) + RollingSlots) % RollingSlots)
	if b.slotNo[i] != k {
		b.slotNo[i], b.slots[i] = k, 0
	}
	b.slots[i] = addSat(b.slots[i], cost)
}

func (b *memBucket) hold(id string, amount Nanos, expires time.Time) {
	if b.holds == nil {
		b.holds = make(map[string]memHold)
	}
	if old, ok := b.holds[id]; ok {
		b.drop(id, old.amount)
	}
	b.holds[id] = memHold{amount: amount, expires: expires}
	b.held = addSat(b.held, amount)
	if b.nextExpiry.IsZero() || expires.Before(b.nextExpiry) {
		b.nextExpiry = expires
	}
}

func (b *memBucket) release(id string) {
	if h, ok := b.holds[id]; ok {
		b.drop(id, h.amount)
	}
}

// drop removes hold id of amount. A saturated held is summed again from
// the holds left, as subtracting from it would undercount.
func (b *memBucket) drop(id string, amount Nanos) {
	delete(b.holds, id)
	if b.held < math.MaxInt64 {
		b.held -= amount
		return
	}
	b.held = 0
	for _, h := range b.holds {
		b.held = addSat(b.held, h.amount)
	}
}

// left is limit less spent and held, saturating.
func left(limit, spent, held Nanos) Nanos {
	return subSat(subSat(limit, spent), held)
}

// addSat is a+b, saturating at the int64 bounds.
func addSat(a, b Nanos) Nanos {
	s := a + b
	if (a >= 0) == (b >= 0) && (s >= 0) != (a >= 0) {
		if a >= 0 {
			return math.MaxInt64
		}
		return math.MinInt64
	}
	return s
}

// subSat is a-b, saturating at the int64 bounds.
func subSat(a, b Nanos) Nanos {
	s := a - b
	if (a >= 0) != (b >= 0) && (s >= 0) != (a >= 0) {
		if a >= 0 {
			return math.MaxInt64
		}
		return math.MinInt64
	}
	return s
}

// status describes the bucket at now for a request needing need.
func (b *memBucket) status(limit, need Nanos, now time.Time) Status {
	spent := b.spentNow(now)
	room := left(limit, spent, b.held)
	st := Status{Limit: limit, Spent: spent, Held: b.held, Remaining: max(0, room)}
	short := subSat(need, room) // what must leave the window
	if short <= 0 || short > spent {
		// It fits; or holds alone are in the way, and they end with their calls.
		return st
	}
	if !b.win.Rolling {
		st.Resets = b.calEnd
		return st
	}
	k := b.win.Slot(now)
	var order [RollingSlots]int
	n := 0
	for i, s := range b.slotNo {
		if s > k-RollingSlots && s <= k && b.slots[i] > 0 {
			order[n] = i
			n++
		}
	}
	slices.SortFunc(order[:n], func(x, y int) int { return int(b.slotNo[x] - b.slotNo[y]) })
	var freed Nanos
	for _, i := range order[:n] {
		if freed = addSat(freed, b.slots[i]); freed >= short {
			st.Resets = b.win.SlotEnd(b.slotNo[i])
			break
		}
	}
	return st
}

// Reserve implements Store. It does no I/O and holds its buckets' locks only
// briefly, so it ignores ctx. Safe for concurrent use.
func (s *MemoryStore) Reserve(_ context.Context, r Reservation) (Nanos, *Status, error) {
	var sBuf [16]int
	var bBuf [8]*memBucket
	order, bs := s.lock(r.Buckets, r.Now, sBuf[:0], bBuf[:0])
	defer s.unlock(order)
	{
		least, at := Nanos(0), -1
		for i, b := range bs {
			room := left(r.Buckets[i].Limit, b.spentNow(r.Now), b.held)
			if at < 0 || room < least {
				least, at = room, i
			}
		}
		if least < r.Min {
			st := bs[at].status(r.Buckets[at].Limit, r.Min, r.Now)
			st.Bucket = at
			return 0, &st, nil
		}
		got := max(r.Min, min(r.Max, least))
		for _, b := range bs {
			b.hold(r.ID, got, r.Expires)
		}
		return got, nil, nil
	}
}

// Commit implements Store. It does no I/O and holds its buckets' locks only
// briefly, so it ignores ctx. Safe for concurrent use.
func (s *MemoryStore) Commit(_ context.Context, id string, buckets []Bucket, cost Nanos, now time.Time) error {
	var sBuf [16]int
	var bBuf [8]*memBucket
	order, bs := s.lock(buckets, now, sBuf[:0], bBuf[:0])
	defer s.unlock(order)
	for _, b := range bs {
		b.release(id)
		b.charge(cost, now)
	}
	return nil
}

// Refund implements Store. It does no I/O and holds its buckets' locks only
// briefly, so it ignores ctx. Safe for concurrent use.
func (s *MemoryStore) Refund(_ context.Context, id string, buckets []Bucket) error {
	for _, b := range buckets {
		sh := &s.shards[s.shard(b.Key)]
		sh.mu.Lock()
		if mb := sh.buckets[b.Key]; mb != nil {
			mb.release(id)
		}
		sh.mu.Unlock()
	}
	return nil
}

// Remaining implements Store. It does no I/O and holds its buckets' locks only
// briefly, so it ignores ctx. Safe for concurrent use.
func (s *MemoryStore) Remaining(_ context.Context, buckets []Bucket, need Nanos, now time.Time) (Status, error) {
	var sBuf [16]int
	var bBuf [8]*memBucket
	order, bs := s.lock(buckets, now, sBuf[:0], bBuf[:0])
	defer s.unlock(order)
	var st Status
	for i, b := range bs {
		x := b.status(buckets[i].Limit, need, now)
		if i == 0 || x.Remaining < st.Remaining {
			st = x
			st.Bucket = i
		}
	}
	return st, nil
}

// Usage reports a bucket's spend in its window at now and what requests
// in flight hold on it (0, 0 for a bucket the store does not have).
func (s *MemoryStore) Usage(key string, now time.Time) (spent, held Nanos) {
	sh := &s.shards[s.shard(key)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	b := sh.buckets[key]
	if b == nil {
		return 0, 0
	}
	b.advance(now)
	return b.spentNow(now), b.held
}
