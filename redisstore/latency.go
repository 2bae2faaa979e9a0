package redisstore

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/llmrouter/llmrouter/latency"
	"github.com/redis/go-redis/v9"
)

// Defaults of LatencyOptions.
const (
	DefaultLatencyBucket = time.Minute
	DefaultLatencyWindow = 15 * time.Minute
)

// LatencyOptions configures a Latency. The zero value is ready to use.
type LatencyOptions struct {
	// Prefix starts every key. Default DefaultStatsPrefix.
	Prefix string
	// Timeout bounds each round trip. Default DefaultTimeout.
	Timeout time.Duration
	// SyncEvery is how often, on the routers' clock, one decision starts
	// a sync (in the background) that sends this replica's samples and
	// reads every replica's: a sample reaches the other replicas within
	// about SyncEvery plus a round trip. Default DefaultSyncEvery.
	SyncEvery time.Duration
	// Bucket is the span of time whose samples share one hash; Observed's
	// Last is rounded up to a bucket's end. Default DefaultLatencyBucket.
	Bucket time.Duration
	// Window is how far back samples are pooled (rounded up to whole
	// buckets). Default DefaultLatencyWindow, the tracker's default
	// MaxAge.
	Window time.Duration
}

// Latency is a latency.Shared on Redis: set it as latency.Config.Shared
// on every replica, each with its own Latency on the same Redis and
// Prefix, and each tracker routes by every replica's samples.
//
// Each series (a model, or its time to first token) has one hash per
// Bucket of time (Prefix + "latency:" + series + ":" + the bucket's
// number), expiring a Window (and a minute) after the bucket, whose
// fields count samples per latency.Bin, with their number ("n") and sum
// of nanoseconds ("s"). Add only counts in memory; at most once per
// SyncEvery (and when a new series is seen) the decision that finds a
// sync due starts it in the background (one at a time): it sends the
// counts (HINCRBYFLOAT in one Lua script, applied once even when its
// reply is lost and it is sent again) and reads the Window's buckets of
// every series this replica has seen, in one pipelined round trip bounded
// by Timeout. Observed always answers from memory, so no decision waits
// on Redis; other replicas' samples show up to SyncEvery plus a round
// trip late (this replica's own at once).
//
// When Redis fails or is slower than Timeout, Observed pools what was last
// read (buckets that leave the Window dropped) with this replica's own
// samples, and Redis is tried again SyncEvery later; when it answers, the
// samples counted meanwhile (those still within the Window) are sent and
// every replica's read again; if Redis lost its data meanwhile, each
// replica adds again the samples it had added that are still in the
// Window. No call waits on Redis; none panics. Safe for concurrent use.
// Build it with NewLatency: the zero value is not usable (Validate, Flush
// and Err return an error saying so, which latency.New reports; Add,
// Observed and Degraded panic with it).
type Latency struct {
	c       *counters
	prefix  string
	bucket  time.Duration
	buckets int64 // in the window

	mu     sync.Mutex
	known  map[string]struct{} // series to read
	cache  map[obsKey]obsEntry
	latest int64 // the latest bucket of a sample or an Observed call: Flush syncs the Window ending there
}

type obsKey struct {
	series string
	q      float64
}

type obsEntry struct {
	gen uint64
	cur int64 // the bucket of now when computed
	o   latency.Observed
}

var _ latency.Shared = (*Latency)(nil)

// NewLatency returns a Latency on rdb (a *redis.Client,
// *redis.ClusterClient or *redis.Ring). It fails on a nil client, a
// negative Timeout, SyncEvery, Bucket or Window, or a Window of more than
// 10000 Buckets. It does not contact Redis.
func NewLatency(rdb redis.UniversalClient, o LatencyOptions) (*Latency, error) {
	switch {
	case rdb == nil:
		return nil, errors.New("redisstore: nil client")
	case o.Timeout < 0 || o.SyncEvery < 0 || o.Bucket < 0 || o.Window < 0:
		return nil, fmt.Errorf("redisstore: negative Timeout %s, SyncEvery %s, Bucket %s or Window %s", o.Timeout, o.SyncEvery, o.Bucket, o.Window)
	}
	o.Prefix, o.Timeout, o.SyncEvery = statsDefaults(o.Prefix, o.Timeout, o.SyncEvery)
	if o.Bucket == 0 {
		o.Bucket = DefaultLatencyBucket
	}
	if o.Window == 0 {
		o.Window = DefaultLatencyWindow
	}
	n := (int64(o.Window) + int64(o.Bucket) - 1) / int64(o.Bucket)
	if n > 10000 {
		return nil, fmt.Errorf("redisstore: Window %s is %d Buckets of %s; at most 10000", o.Window, n, o.Bucket)
	}
	return &Latency{c: newCounters(rdb, o.Prefix, o.Timeout, o.SyncEvery), prefix: o.Prefix + "latency:",
		bucket: o.Bucket, buckets: max(n, 1), known: map[string]struct{}{}, cache: map[obsKey]obsEntry{}, latest: math.MinInt64}, nil
}

func (l *Latency) bucketOf(t time.Time) int64 {
	n, d := t.UnixNano(), int64(l.bucket)
	if n < 0 {
		return (n - d + 1) / d // floor, before 1970 too
	}
	return n / d
}

func (l *Latency) key(series string, b int64) string {
	return l.prefix + series + ":" + strconv.FormatInt(b, 10)
}

// bucketOfKey is the bucket number a key ends with.
func bucketOfKey(k string) (int64, bool) {
	i := strings.LastIndexByte(k, ':')
	b, err := strconv.ParseInt(k[i+1:], 10, 64)
	return b, err == nil
}

// Add implements latency.Shared: it counts the sample in memory, sent at
// the next sync.
func (l *Latency) Add(series string, v time.Duration, end time.Time) {
	l.mustBeBuilt()
	b := l.bucketOf(end)
	l.remember(series, b)
	bin := field(latency.Bin(v))
	l.c.add(l.key(series, b), []float64{1, float64(v), 1}, func(i int) string {
		return [...]string{"n", "s", bin}[i]
	})
}

func (l *Latency) remember(series string, bucket int64) {
	l.mu.Lock()
	l.latest = max(l.latest, bucket)
	_, ok := l.known[series]
	if !ok {
		if len(l.known) >= maxModels {
			clear(l.known)
		}
		l.known[series] = struct{}{}
	}
	l.mu.Unlock()
	if !ok {
		l.c.soon() // read its samples now, not a SyncEvery later
	}
}

// Observed implements latency.Shared from memory, recomputing series'
// figures only after a sync or when now enters another Bucket. When a
// sync is due at now it starts it in the background; the calls after it
// ends see its result.
func (l *Latency) Observed(series string, q float64, now time.Time) latency.Observed {
	l.mustBeBuilt()
	cur := l.bucketOf(now)
	l.remember(series, cur)
	if l.c.due(now) {
		l.c.start(func() { _ = l.sync(cur) }) // the error is kept for Err
	}
	gen, _, _ := l.c.state()
	k := obsKey{series, q}
	l.mu.Lock()
	e, ok := l.cache[k]
	l.mu.Unlock()
	if ok && e.gen == gen && e.cur == cur {
		return e.o
	}
	o := l.pool(series, q, cur, now)
	l.mu.Lock()
	if len(l.cache) >= 4*maxModels {
		clear(l.cache)
	}
	l.cache[k] = obsEntry{gen, cur, o}
	l.mu.Unlock()
	return o
}

// Flush syncs now: it waits for the sync running in the background, if
// any, then sends this replica's samples not yet applied and reads the
// Window's buckets (ending with the latest bucket given to Add or
// Observed) back, in one round trip bounded by Timeout (so it returns
// within about twice Timeout), and returns that sync's error (kept for
// Err too). Call it when the replica stops, so that the samples of its
// last SyncEvery reach the others. Safe for concurrent use.
func (l *Latency) Flush() error {
	if l.c == nil {
		return errZeroLatency
	}
	l.mu.Lock()
	cur := l.latest
	l.mu.Unlock()
	if cur == math.MinInt64 { // nothing seen: nothing to send or read
		cur = l.bucketOf(time.Now())
	}
	l.c.claim()
	return l.sync(cur)
}

// sync sends the counts and reads the Window's buckets ending with cur;
// its error is kept for Err.
func (l *Latency) sync(cur int64) error {
	l.mu.Lock()
	keys := make([]string, 0, len(l.known)*int(l.buckets))
	for s := range l.known {
		for b := cur - l.buckets + 1; b <= cur; b++ {
			keys = append(keys, l.key(s, b))
		}
	}
	l.mu.Unlock()
	stale := func(k string) bool {
		b, ok := bucketOfKey(k)
		return !ok || b <= cur-l.buckets
	}
	ttl := func(k string) time.Duration {
		b, _ := bucketOfKey(k)
		return time.Duration(b-cur+l.buckets+1)*l.bucket + grace
	}
	l.c.prunePending(stale)
	return l.c.sync(keys, ttl, stale)
}

// pool sums series' buckets in the Window ending with bucket cur.
func (l *Latency) pool(series string, q float64, cur int64, now time.Time) latency.Observed {
	bins := map[int]float64{}
	var n, sum float64
	var last int64 = math.MinInt64
	for b := cur - l.buckets + 1; b <= cur; b++ {
		had := n
		l.c.totals(l.key(series, b), func(f string, v float64) {
			switch f {
			case "n":
				n += v
			case "s":
				sum += v
			default:
				if k, err := strconv.Atoi(f); err == nil && k >= 0 && k <= latency.MaxBin {
					bins[k] += v
				}
			}
		})
		if n > had {
			last = b
		}
	}
	if !(n >= 1) {
		return latency.Observed{}
	}
	end := time.Unix(0, (last+1)*int64(l.bucket)).UTC()
	if end.After(now) {
		end = now
	}
	return latency.Observed{Samples: int64(math.Round(n)), Quantile: latency.HistogramQuantile(bins, q),
		Mean: time.Duration(math.Round(sum / n)), Last: end}
}

// Degraded reports whether the last sync failed.
func (l *Latency) Degraded() bool {
	l.mustBeBuilt()
	_, d, _ := l.c.state()
	return d
}

// Err returns the last sync's error, nil if it succeeded (or none was
// made).
func (l *Latency) Err() error {
	if l.c == nil {
		return errZeroLatency
	}
	_, _, err := l.c.state()
	return err
}

// RoundTrips returns how many round trips to Redis were made.
func (l *Latency) RoundTrips() int {
	if l.c == nil {
		return 0
	}
	return int(l.c.trips.Load())
}

// errZeroLatency is what a Latency NewLatency did not make (its zero
// value) returns, or panics with where a method returns no error.
var errZeroLatency = errors.New("redisstore: Latency not made by NewLatency (its zero value is not usable)")

// Validate reports whether l can be used: an error saying so for a
// Latency NewLatency did not make (the zero value), nil otherwise.
// latency.New calls it on Config.Shared, so that a zero Latency is
// refused there rather than panicking in every Add.
func (l *Latency) Validate() error {
	if l.c == nil {
		return errZeroLatency
	}
	return nil
}

func (l *Latency) mustBeBuilt() {
	if l.c == nil {
		panic(errZeroLatency.Error())
	}
}
