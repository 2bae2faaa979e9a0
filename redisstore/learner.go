package redisstore

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/llmrouter/llmrouter/bandit"
	"github.com/redis/go-redis/v9"
)

// Defaults of LearnerOptions and LatencyOptions.
const (
	DefaultStatsPrefix = "{llmrouter-stats}:"
	DefaultSyncEvery   = time.Second
)

// LearnerOptions configures a Learner. The zero value is ready to use.
type LearnerOptions struct {
	// Prefix starts every key. Default DefaultStatsPrefix, whose hash tag
	// puts all of them in one Redis Cluster slot (one script writes
	// several).
	Prefix string
	// Timeout bounds each round trip; past it the call is abandoned and
	// retried at the next sync. Default DefaultTimeout.
	Timeout time.Duration
	// SyncEvery is how often, on the routers' clock, one decision starts
	// a sync (in the background) that sends this replica's updates and
	// reads every replica's totals: what one replica learns reaches the
	// others within about SyncEvery plus a round trip. Default
	// DefaultSyncEvery.
	SyncEvery time.Duration
}

// Learner is a bandit.Shared on Redis: set it as bandit.Options.Shared on
// every replica, each with its own Learner on the same Redis and Prefix,
// and their policies learn together.
//
// Each arm is one hash (Prefix + "learner:" + the arm's key) of float
// totals, field i for statistic i, that never expires. Add only sums
// increments in memory; at most once per SyncEvery the decision that
// finds a sync due starts it in the background (one at a time) and
// answers from memory: the sync sends the increments (HINCRBYFLOAT in one
// Lua script, applied once even when its reply is lost and it is sent
// again) and reads every arm's hash back, in one pipelined round trip
// bounded by Timeout, and the decisions after it ends see its totals. No
// decision waits on Redis; the totals lag every replica's updates by up
// to SyncEvery plus a round trip (this replica's own count at once).
//
// When Redis fails or is slower than Timeout, the policy keeps learning
// from the last totals read plus this replica's own updates (summed in
// memory: a fixed size per arm, whatever the outage's length), and Redis
// is tried again SyncEvery later; when it answers, the updates made
// meanwhile are applied and the totals of every replica read again. If
// Redis lost its data meanwhile (restarted without persistence: an epoch
// key under Prefix changed), each replica adds again everything it had
// added, so every update still counts once. Only Seed waits on Redis (at
// most about Timeout); no call panics. Safe for concurrent use. Build it
// with NewLearner: the zero value is not usable (Validate, Seed, Flush
// and Err return an error saying so, which bandit.New reports; Add,
// Totals and Degraded panic with it).
type Learner struct {
	c      *counters
	prefix string

	mu    sync.Mutex
	known map[string]struct{} // arm keys to read
}

var _ bandit.Shared = (*Learner)(nil)

// NewLearner returns a Learner on rdb (a *redis.Client, *redis.ClusterClient
// or *redis.Ring). It fails on a nil client or a negative Timeout or
// SyncEvery. It does not contact Redis.
func NewLearner(rdb redis.UniversalClient, o LearnerOptions) (*Learner, error) {
	switch {
	case rdb == nil:
		return nil, errors.New("redisstore: nil client")
	case o.Timeout < 0 || o.SyncEvery < 0:
		return nil, fmt.Errorf("redisstore: negative Timeout %s or SyncEvery %s", o.Timeout, o.SyncEvery)
	}
	o.Prefix, o.Timeout, o.SyncEvery = statsDefaults(o.Prefix, o.Timeout, o.SyncEvery)
	return &Learner{c: newCounters(rdb, o.Prefix, o.Timeout, o.SyncEvery), prefix: o.Prefix + "learner:",
		known: map[string]struct{}{}}, nil
}

func statsDefaults(prefix string, timeout, every time.Duration) (string, time.Duration, time.Duration) {
	if prefix == "" {
		prefix = DefaultStatsPrefix
	}
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	if every == 0 {
		every = DefaultSyncEvery
	}
	return prefix, timeout, every
}

// fields names statistic i: its decimal index.
var fields = func() []string {
	f := make([]string, 1024) // the learner's statistics and the latency bins
	for i := range f {
		f[i] = strconv.Itoa(i)
	}
	return f
}()

func field(i int) string {
	if i < len(fields) {
		return fields[i]
	}
	return strconv.Itoa(i)
}

// Add implements bandit.Shared: it sums inc into this replica's
// increments of arm, sent at the next sync.
func (l *Learner) Add(arm string, inc []float64) {
	l.mustBeBuilt()
	l.remember(arm)
	l.c.add(l.prefix+arm, inc, field)
}

func (l *Learner) remember(arms ...string) {
	l.mu.Lock()
	for _, a := range arms {
		if _, ok := l.known[a]; !ok {
			if len(l.known) >= maxModels*4 {
				clear(l.known)
			}
			l.known[a] = struct{}{}
		}
	}
	l.mu.Unlock()
}

// Totals implements bandit.Shared from memory. When a sync is due at now
// it starts it in the background; the generation changes when a sync
// ends, answered or not, so the call after it returns its totals.
func (l *Learner) Totals(arms []string, now time.Time, since uint64) ([][]float64, uint64) {
	l.mustBeBuilt()
	l.remember(arms...)
	if l.c.due(now) {
		keys := l.keys()
		l.c.start(func() { _ = l.c.sync(keys, nil, nil) }) // the error is kept for Err
	}
	gen, _, _ := l.c.state()
	if gen == since {
		return nil, gen
	}
	tot := make([][]float64, len(arms))
	for i, a := range arms {
		var t []float64
		l.c.totals(l.prefix+a, func(f string, v float64) {
			k, err := strconv.Atoi(f)
			if err != nil || k < 0 || k >= 1<<12 {
				return // not a statistic this package wrote
			}
			if k >= len(t) {
				t = append(t, make([]float64, k+1-len(t))...)
			}
			t[k] += v
		})
		tot[i] = t
	}
	return tot, gen
}

// keys are the hashes of the arms to read.
func (l *Learner) keys() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	keys := make([]string, 0, len(l.known))
	for a := range l.known {
		keys = append(keys, l.prefix+a)
	}
	return keys
}

// Flush syncs now: it waits for the sync running in the background, if
// any, then sends this replica's updates not yet applied and reads every
// arm's totals back, in one round trip bounded by Timeout (so it returns
// within about twice Timeout), and returns that sync's error (kept for
// Err too). Call it when the replica stops, so that the updates of its
// last SyncEvery reach the others. Decisions meanwhile answer from memory
// as usual. Safe for concurrent use.
func (l *Learner) Flush() error {
	if l.c == nil {
		return errZeroLearner
	}
	keys := l.keys()
	l.c.claim()
	return l.c.sync(keys, nil, nil)
}

// Degraded reports whether the last sync failed: the policy then learns
// from the last totals read and its own updates.
func (l *Learner) Degraded() bool {
	l.mustBeBuilt()
	_, d, _ := l.c.state()
	return d
}

// Err returns the last sync's error, nil if it succeeded (or none was
// made).
func (l *Learner) Err() error {
	if l.c == nil {
		return errZeroLearner
	}
	_, _, err := l.c.state()
	return err
}

// RoundTrips returns how many round trips to Redis were made.
func (l *Learner) RoundTrips() int {
	if l.c == nil {
		return 0
	}
	return int(l.c.trips.Load())
}

// errZeroLearner is what a Learner NewLearner did not make (its zero
// value) returns, or panics with where a method returns no error (a
// router recovers the panic of a bandit policy or sink).
var errZeroLearner = errors.New("redisstore: Learner not made by NewLearner (its zero value is not usable)")

// Validate reports whether l can be used: an error saying so for a
// Learner NewLearner did not make (the zero value), nil otherwise.
// bandit.New calls it on Options.Shared, so that a zero Learner is
// refused there rather than panicking in every decision.
func (l *Learner) Validate() error {
	if l.c == nil {
		return errZeroLearner
	}
	return nil
}

func (l *Learner) mustBeBuilt() {
	if l.c == nil {
		panic(errZeroLearner.Error())
	}
}
