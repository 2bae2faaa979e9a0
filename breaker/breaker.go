package breaker

import (
	"math"
	"sync"
	"time"

	"github.com/llmrouter/llmrouter/internal/errclass"
)

// State is the state of a [Breaker].
type State int

const (
	// Closed lets every request through and counts failures.
	Closed State = iota
	// Open refuses requests until its cooldown ends.
	Open
	// HalfOpen lets a limited number of probe requests through; the
	// first probe success closes the breaker, the first failure re-opens it.
	HalfOpen
)

// String returns "closed", "open" or "half-open".
func (s State) String() string {
	switch s {
	case Closed:
		return "closed"
	case Open:
		return "open"
	case HalfOpen:
		return "half-open"
	}
	return "unknown"
}

// Breaker is a per-model circuit breaker with cooldown. It opens after
// ConsecutiveFailures failures in a row or when the failure rate over a
// sliding window reaches FailureRate; while open it refuses requests until
// the cooldown ends, then goes half-open and lets HalfOpenProbes probes
// through: the first probe success closes it, the first probe failure
// re-opens it for Cooldown again (growing only with CooldownGrowth).
//
// Cooldown rules, precisely (k counts the trips since the last close, g is
// CooldownGrowth, 1 by default):
//
//   - opening at time t sets retryAt = t + max(min(Cooldown·g^(k-1), MaxCooldown), hint),
//     where hint is the error's Retry-After hint (from its text, or its
//     RetryAfter() time.Duration method), and the whole is capped at
//     t + MaxCooldown;
//   - a failure recorded at time u while open (a request let through before
//     the trip that finishes late) restarts the cooldown from u: retryAt =
//     max(retryAt, u + that same cooldown), but never beyond
//     openedAt + MaxCooldown, so one open period is bounded;
//   - successes recorded while open change nothing.
//
// So without growth a model that recovers is let through again within one
// Cooldown (or its Retry-After hint) of its last recorded failure.
//
// A Breaker never reads the clock: callers pass now, which makes it
// deterministic under test. It starts no goroutines. All methods are safe for
// concurrent use. The zero value is a closed breaker with default settings;
// use [New] for other settings. A nil *Breaker is no breaker: it allows
// every request, records and trips nothing, and reports itself closed.
type Breaker struct {
	mu       sync.Mutex
	s        Settings
	resolved bool

	state       State
	consecutive int
	trips       int // trips since the last close
	openedAt    time.Time
	retryAt     time.Time // when an open breaker goes half-open
	probes      int       // probes in flight while half-open
	lastProbe   time.Time
	win         window

	model  string // set by Registry; with shared, the key of the shared state
	shared Shared // Settings.Shared, fixed at New
}

// New returns a closed breaker with settings s (zero fields take their
// defaults).
func New(s Settings) *Breaker {
	return &Breaker{s: s.normalized(), resolved: true, shared: s.Shared}
}

func (b *Breaker) settings() *Settings {
	if !b.resolved {
		b.s = b.s.normalized()
		b.resolved = true
	}
	return &b.s
}

// Allow reports whether a request may go to the model now. When it returns
// false, retryAt is the earliest time at which it may return true (for a
// half-open breaker whose probe slots are taken, the time those slots are
// considered lost). When it returns true, retryAt is the zero time; if the
// breaker is half-open the request is a probe and its outcome must be passed
// to Record. With [Settings.Shared] it first asks the shared state
// whether another replica opened the model (see [Shared]).
func (b *Breaker) Allow(now time.Time) (ok bool, retryAt time.Time) {
	if b == nil {
		return true, time.Time{}
	}
	b.adopt(now)
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.settings()
	switch b.state {
	case Open:
		if now.Before(b.retryAt) {
			return false, b.retryAt
		}
		b.state = HalfOpen
		b.probes = 0
		fallthrough
	case HalfOpen:
		if b.probes >= s.HalfOpenProbes && now.Before(b.lastProbe.Add(s.ProbeTimeout)) {
			return false, b.lastProbe.Add(s.ProbeTimeout)
		}
		if b.probes >= s.HalfOpenProbes {
			b.probes = 0 // the earlier probes were never recorded
		}
		b.probes++
		b.lastProbe = now
		return true, time.Time{}
	}
	return true, time.Time{}
}

// Record records the outcome of a request made at (or finishing at) now: err
// nil is a success; an error counts as a failure when
// [Settings.IsFailure] says so and is otherwise ignored. It returns
// the state after recording.
//
// A caller that got ok from Allow should call Record exactly once with the
// outcome. Records are not matched to Allow calls: while half-open any
// recorded success closes the breaker and any failure re-opens it.
func (b *Breaker) Record(now time.Time, err error) State {
	if b == nil {
		return Closed
	}
	b.mu.Lock()
	was := b.retryAt
	st := b.record(now, err)
	until := b.retryAt
	b.mu.Unlock()
	if st == Open && until != was {
		b.publish(now, until)
	}
	return st
}

func (b *Breaker) record(now time.Time, err error) State {
	s := b.settings()
	failure := err != nil && s.IsFailure(err)
	ignored := err != nil && !failure

	switch b.state {
	case Closed:
		if ignored {
			return b.state
		}
		b.win.add(now, s.Window, failure)
		if !failure {
			b.consecutive = 0
			return b.state
		}
		b.consecutive++
		if b.shouldTrip(now, s) {
			b.open(now, err, s)
		}
	case HalfOpen:
		switch {
		case ignored:
			if b.probes > 0 {
				b.probes--
			}
		case failure:
			b.open(now, err, s)
		default:
			b.close()
		}
	case Open:
		if failure {
			limit := b.openedAt.Add(s.MaxCooldown)
			next := now.Add(b.cooldown(err, s))
			if next.After(limit) {
				next = limit
			}
			if next.After(b.retryAt) {
				b.retryAt = next
			}
		}
	}
	return b.state
}

// Trip forces the breaker open from now until at least now+d (capped at
// MaxCooldown), for instance when a provider answered 429 with a long
// Retry-After. It does not count as a trip for CooldownGrowth.
// An already open breaker only has its retryAt pushed later.
func (b *Breaker) Trip(now time.Time, d time.Duration) {
	if b == nil {
		return
	}
	b.mu.Lock()
	was := b.retryAt
	b.trip(now, d)
	until := b.retryAt
	b.mu.Unlock()
	if until != was {
		b.publish(now, until)
	}
}

func (b *Breaker) trip(now time.Time, d time.Duration) {
	s := b.settings()
	if d > s.MaxCooldown {
		d = s.MaxCooldown
	}
	if d < 0 {
		d = 0
	}
	until := now.Add(d)
	if b.state != Open {
		b.state = Open
		b.openedAt = now
		b.retryAt = until
		b.probes = 0
		return
	}
	if until.After(b.retryAt) {
		b.retryAt = until
	}
}

// Reset closes the breaker and forgets all counts.
func (b *Breaker) Reset() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.close()
}

// Stats is a snapshot of a [Breaker].
type Stats struct {
	State               State
	ConsecutiveFailures int
	Requests, Failures  int       // over the sliding window
	Trips               int       // trips since the last close
	RetryAt             time.Time // zero unless requests are refused at the snapshot time
}

// Stats returns a snapshot at now without changing the breaker. State
// reports an open breaker whose cooldown has ended as half-open. With
// [Settings.Shared] it reports a model another replica opened as open
// until the shared end (as Allow would adopt it).
func (b *Breaker) Stats(now time.Time) Stats {
	if b == nil {
		return Stats{State: Closed}
	}
	su := b.sharedUntil(now)
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.settings()
	req, fail := b.win.counts(now, s.Window)
	st := Stats{
		State:               b.state,
		ConsecutiveFailures: b.consecutive,
		Requests:            req,
		Failures:            fail,
		Trips:               b.trips,
		RetryAt:             b.retryAtLocked(now, s),
	}
	if st.State == Open && !now.Before(b.retryAt) {
		st.State = HalfOpen
	}
	if su.After(st.RetryAt) { // another replica opened it (Shared)
		st.State, st.RetryAt = Open, su
	}
	return st
}

// RetryAt returns the zero time when Allow(now) would let a request through,
// and otherwise the earliest time it may (asking [Settings.Shared], if
// set, as Allow does). It does not change the breaker (in
// particular it takes no probe slot).
func (b *Breaker) RetryAt(now time.Time) time.Time {
	if b == nil {
		return time.Time{}
	}
	su := b.sharedUntil(now)
	b.mu.Lock()
	defer b.mu.Unlock()
	return laterShared(b.retryAtLocked(now, b.settings()), su)
}

func (b *Breaker) retryAtLocked(now time.Time, s *Settings) time.Time {
	switch b.state {
	case Open:
		if now.Before(b.retryAt) {
			return b.retryAt
		}
	case HalfOpen:
		if t := b.lastProbe.Add(s.ProbeTimeout); b.probes >= s.HalfOpenProbes && now.Before(t) {
			return t
		}
	}
	return time.Time{}
}

func (b *Breaker) shouldTrip(now time.Time, s *Settings) bool {
	if s.ConsecutiveFailures > 0 && b.consecutive >= s.ConsecutiveFailures {
		return true
	}
	if s.FailureRate > 0 {
		req, fail := b.win.counts(now, s.Window)
		if req >= s.MinRequests && float64(fail) >= s.FailureRate*float64(req) {
			return true
		}
	}
	return false
}

// cooldown returns the cooldown for the current trip count (grown by
// CooldownGrowth), raised to the error's Retry-After hint, capped at
// MaxCooldown.
func (b *Breaker) cooldown(err error, s *Settings) time.Duration {
	d := s.Cooldown
	if s.CooldownGrowth > 1 && b.trips > 1 {
		// In float: the power overflows to +Inf, never wraps.
		f := float64(s.Cooldown) * math.Pow(s.CooldownGrowth, float64(b.trips-1))
		if f >= float64(s.MaxCooldown) {
			d = s.MaxCooldown
		} else {
			d = time.Duration(f)
		}
	}
	if hint, ok := errclass.RetryAfter(err); ok && hint > d {
		d = hint
	}
	if d > s.MaxCooldown {
		d = s.MaxCooldown
	}
	return d
}

func (b *Breaker) open(now time.Time, err error, s *Settings) {
	b.trips++
	b.state = Open
	b.openedAt = now
	b.retryAt = now.Add(b.cooldown(err, s))
	b.probes = 0
	b.consecutive = 0
	b.win.reset()
}

func (b *Breaker) close() {
	b.state = Closed
	b.trips = 0
	b.consecutive = 0
	b.probes = 0
	b.openedAt = time.Time{}
	b.retryAt = time.Time{}
	b.win.reset()
}
