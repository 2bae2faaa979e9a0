package breaker

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	errUnavailable = errors.New("API returned unexpected status code: 503: The engine is currently overloaded, please try again later.")
	errBadRequest  = errors.New("API returned unexpected status code: 400: Invalid value for 'temperature'")
	errHinted      = errors.New("API returned unexpected status code: 429: Rate limit reached. Please try again in 90s.")
)

// breakerStep is one call in a scripted breaker scenario; at is the offset
// from t0.
type breakerStep struct {
	at  time.Duration
	op  string // "allow", "record", "trip"
	err error  // for record
	d   time.Duration

	wantOK      bool
	wantRetryAt time.Duration // offset from t0; -1 for the zero time
	wantState   State
}

func allowStep(at time.Duration, ok bool, retryAt time.Duration) breakerStep {
	return breakerStep{at: at, op: "allow", wantOK: ok, wantRetryAt: retryAt}
}

func recordStep(at time.Duration, err error, state State) breakerStep {
	return breakerStep{at: at, op: "record", err: err, wantState: state}
}

func TestBreaker_Scenarios(t *testing.T) {
	const none = -1
	s := Settings{ConsecutiveFailures: 3, FailureRate: -1, Cooldown: 10 * time.Second, MaxCooldown: 35 * time.Second}
	sGrow := s
	sGrow.CooldownGrowth = 2
	tests := []struct {
		name     string
		settings Settings
		steps    []breakerStep
	}{
		{
			name:     "consecutive failures open, cooldown, probe success closes",
			settings: s,
			steps: []breakerStep{
				allowStep(0, true, none),
				recordStep(0, errUnavailable, Closed),
				recordStep(time.Second, errUnavailable, Closed),
				recordStep(2*time.Second, errUnavailable, Open),
				allowStep(3*time.Second, false, 12*time.Second),
				allowStep(11999*time.Millisecond, false, 12*time.Second),
				allowStep(12*time.Second, true, none),            // the probe
				allowStep(12*time.Second, false, 72*time.Second), // slot taken until ProbeTimeout
				recordStep(13*time.Second, nil, Closed),
				allowStep(13*time.Second, true, none),
			},
		},
		{
			name:     "success resets the consecutive count",
			settings: s,
			steps: []breakerStep{
				recordStep(0, errUnavailable, Closed),
				recordStep(0, errUnavailable, Closed),
				recordStep(0, nil, Closed),
				recordStep(0, errUnavailable, Closed),
				recordStep(0, errUnavailable, Closed),
				recordStep(0, errUnavailable, Open),
			},
		},
		{
			name:     "cancellations and request faults do not count",
			settings: s,
			steps: []breakerStep{
				recordStep(0, errUnavailable, Closed),
				recordStep(0, errUnavailable, Closed),
				recordStep(0, context.Canceled, Closed),
				recordStep(0, fmt.Errorf("call: %w", context.Canceled), Closed),
				recordStep(0, errors.New("request cancelled"), Closed),
				recordStep(0, errBadRequest, Closed),
				recordStep(0, errUnavailable, Open), // still the 3rd in a row
			},
		},
		{
			name:     "failed probe re-opens for the base cooldown",
			settings: s,
			steps: []breakerStep{
				recordStep(0, errUnavailable, Closed),
				recordStep(0, errUnavailable, Closed),
				recordStep(0, errUnavailable, Open), // trip 1: 10s
				allowStep(10*time.Second, true, none),
				recordStep(10*time.Second, errUnavailable, Open), // trip 2: 10s again
				allowStep(19*time.Second, false, 20*time.Second),
				allowStep(20*time.Second, true, none),
				recordStep(20*time.Second, errUnavailable, Open), // trip 3: 10s again
				allowStep(29*time.Second, false, 30*time.Second),
				allowStep(30*time.Second, true, none),
				recordStep(30*time.Second, nil, Closed),
			},
		},
		{
			name:     "failed probe re-opens with a retry-after hint",
			settings: s,
			steps: []breakerStep{
				recordStep(0, errUnavailable, Closed),
				recordStep(0, errUnavailable, Closed),
				recordStep(0, errUnavailable, Open), // trip 1: 10s
				allowStep(10*time.Second, true, none),
				recordStep(10*time.Second, errHinted, Open), // hint 90s, capped at 35s
				allowStep(44*time.Second, false, 45*time.Second),
				allowStep(45*time.Second, true, none),
				recordStep(45*time.Second, errUnavailable, Open), // no hint: the base 10s
				allowStep(54*time.Second, false, 55*time.Second),
			},
		},
		{
			name:     "CooldownGrowth 2: failed probe re-opens with doubled cooldown, capped",
			settings: sGrow,
			steps: []breakerStep{
				recordStep(0, errUnavailable, Closed),
				recordStep(0, errUnavailable, Closed),
				recordStep(0, errUnavailable, Open), // trip 1: 10s
				allowStep(10*time.Second, true, none),
				recordStep(10*time.Second, errUnavailable, Open), // trip 2: 20s
				allowStep(29*time.Second, false, 30*time.Second),
				allowStep(30*time.Second, true, none),
				recordStep(30*time.Second, errUnavailable, Open), // trip 3: 40s capped to 35s
				allowStep(64*time.Second, false, 65*time.Second),
				allowStep(65*time.Second, true, none),
				recordStep(65*time.Second, nil, Closed),
				// Closed again: the next trip starts from Cooldown.
				recordStep(66*time.Second, errUnavailable, Closed),
				recordStep(66*time.Second, errUnavailable, Closed),
				recordStep(66*time.Second, errUnavailable, Open),
				allowStep(75*time.Second, false, 76*time.Second),
			},
		},
		{
			name:     "late failure while open restarts the cooldown, bounded by MaxCooldown",
			settings: s,
			steps: []breakerStep{
				recordStep(0, errUnavailable, Closed),
				recordStep(0, errUnavailable, Closed),
				recordStep(0, errUnavailable, Open), // retryAt 10s
				recordStep(4*time.Second, errUnavailable, Open),
				allowStep(5*time.Second, false, 14*time.Second),
				recordStep(5*time.Second, nil, Open), // late success: ignored
				recordStep(20*time.Second, errUnavailable, Open),
				recordStep(30*time.Second, errUnavailable, Open), // 40s > 0+35s
				allowStep(31*time.Second, false, 35*time.Second),
				allowStep(35*time.Second, true, none),
			},
		},
		{
			name:     "retry-after hint lengthens the cooldown",
			settings: s,
			steps: []breakerStep{
				recordStep(0, errUnavailable, Closed),
				recordStep(0, errUnavailable, Closed),
				recordStep(0, errHinted, Open), // hint 90s, capped at 35s
				allowStep(time.Second, false, 35*time.Second),
			},
		},
		{
			name:     "ignored error during half-open frees the probe slot",
			settings: s,
			steps: []breakerStep{
				recordStep(0, errUnavailable, Closed),
				recordStep(0, errUnavailable, Closed),
				recordStep(0, errUnavailable, Open),
				allowStep(10*time.Second, true, none),
				allowStep(10*time.Second, false, 70*time.Second),
				recordStep(11*time.Second, context.Canceled, HalfOpen),
				allowStep(11*time.Second, true, none),
				recordStep(12*time.Second, nil, Closed),
			},
		},
		{
			name:     "lost probe slots come back after ProbeTimeout",
			settings: Settings{ConsecutiveFailures: 1, FailureRate: -1, Cooldown: time.Second, ProbeTimeout: 5 * time.Second, HalfOpenProbes: 2},
			steps: []breakerStep{
				recordStep(0, errUnavailable, Open),
				allowStep(time.Second, true, none),
				allowStep(2*time.Second, true, none),
				allowStep(3*time.Second, false, 7*time.Second),
				allowStep(7*time.Second, true, none),
				allowStep(7*time.Second, true, none),
				allowStep(7*time.Second, false, 12*time.Second),
			},
		},
		{
			name:     "failure rate over the window",
			settings: Settings{ConsecutiveFailures: -1, FailureRate: 0.5, MinRequests: 4, Window: 10 * time.Second, Cooldown: time.Second},
			steps: []breakerStep{
				recordStep(0, errUnavailable, Closed),
				recordStep(time.Second, nil, Closed),
				recordStep(2*time.Second, nil, Closed),
				// 1 failure in 3: below MinRequests anyway.
				recordStep(3*time.Second, nil, Closed),            // 1/4
				recordStep(4*time.Second, errUnavailable, Closed), // 2/5 < 0.5
				recordStep(5*time.Second, errUnavailable, Open),   // 3/6 >= 0.5
			},
		},
		{
			name:     "old outcomes slide out of the window",
			settings: Settings{ConsecutiveFailures: -1, FailureRate: 0.5, MinRequests: 4, Window: 10 * time.Second, Cooldown: time.Second},
			steps: []breakerStep{
				recordStep(0, errUnavailable, Closed),
				recordStep(0, errUnavailable, Closed),
				recordStep(0, errUnavailable, Closed),
				// 10s later those three have left the window.
				recordStep(10*time.Second, nil, Closed),
				recordStep(10*time.Second, nil, Closed),
				recordStep(10*time.Second, nil, Closed),
				recordStep(11*time.Second, errUnavailable, Closed), // 1/4
			},
		},
		{
			name:     "trip forces a cooldown",
			settings: s,
			steps: []breakerStep{
				{at: 0, op: "trip", d: 20 * time.Second, wantState: Open},
				allowStep(19*time.Second, false, 20*time.Second),
				{at: time.Second, op: "trip", d: 5 * time.Second, wantState: Open}, // never shortens
				allowStep(19*time.Second, false, 20*time.Second),
				{at: 2 * time.Second, op: "trip", d: time.Hour, wantState: Open}, // capped at MaxCooldown from now
				allowStep(36*time.Second, false, 37*time.Second),
				allowStep(37*time.Second, true, none),
				recordStep(38*time.Second, nil, Closed),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := New(tt.settings)
			for i, st := range tt.steps {
				now := t0.Add(st.at)
				switch st.op {
				case "allow":
					ok, at := b.Allow(now)
					require.Equal(t, st.wantOK, ok, "step %d: allow ok", i)
					if st.wantRetryAt == none {
						require.True(t, at.IsZero(), "step %d: retryAt %v", i, at)
					} else {
						require.Equal(t, t0.Add(st.wantRetryAt), at, "step %d: retryAt", i)
					}
				case "record":
					require.Equal(t, st.wantState, b.Record(now, st.err), "step %d: state", i)
				case "trip":
					b.Trip(now, st.d)
					require.Equal(t, st.wantState, b.Stats(now).State, "step %d", i)
				}
			}
		})
	}
}

func TestBreaker_ZeroValueAndStats(t *testing.T) {
	var b Breaker
	for i := 0; i < defaultConsecutiveFailures-1; i++ {
		assert.Equal(t, Closed, b.Record(t0, errUnavailable))
	}
	st := b.Stats(t0)
	assert.Equal(t, Stats{State: Closed, ConsecutiveFailures: 4, Requests: 4, Failures: 4}, st)
	assert.Equal(t, Open, b.Record(t0, errUnavailable))
	st = b.Stats(t0.Add(time.Second))
	assert.Equal(t, Open, st.State)
	assert.Equal(t, 1, st.Trips)
	assert.Equal(t, t0.Add(defaultCooldown), st.RetryAt)
	assert.Equal(t, HalfOpen, b.Stats(t0.Add(defaultCooldown)).State, "reported half-open once the cooldown ends")
	assert.True(t, b.RetryAt(t0.Add(defaultCooldown)).IsZero())
	b.Reset()
	assert.Equal(t, Stats{State: Closed}, b.Stats(t0))
	assert.Equal(t, "closed", Closed.String())
	assert.Equal(t, "open", Open.String())
	assert.Equal(t, "half-open", HalfOpen.String())
	assert.Equal(t, "unknown", State(9).String())
}

func TestBreaker_CustomIsFailure(t *testing.T) {
	b := New(Settings{ConsecutiveFailures: 1, IsFailure: func(err error) bool { return errors.Is(err, errSentinel) }})
	assert.Equal(t, Closed, b.Record(t0, errUnavailable))
	assert.Equal(t, Open, b.Record(t0, errSentinel))
}

func TestIsBreakerFailure(t *testing.T) {
	assert.False(t, IsFailure(nil))
	assert.False(t, IsFailure(context.Canceled))
	assert.False(t, IsFailure(errBadRequest))
	assert.True(t, IsFailure(context.DeadlineExceeded))
	assert.True(t, IsFailure(errUnavailable))
	assert.True(t, IsFailure(errors.New("weird")))
}

func TestBreakerRegistry_NextAvailable(t *testing.T) {
	var r Registry // zero value: default settings
	_, ok := r.NextAvailable(t0)
	assert.False(t, ok, "no candidates")

	at, ok := r.NextAvailable(t0, "a", "b")
	assert.True(t, ok)
	assert.Equal(t, t0, at, "unknown models are available")

	r.Breaker("a").Trip(t0, 20*time.Second)
	r.Breaker("b").Trip(t0, 10*time.Second)
	at, ok = r.NextAvailable(t0.Add(time.Second), "a", "b")
	assert.True(t, ok)
	assert.Equal(t, t0.Add(10*time.Second), at, "the first to come back")

	at, _ = r.NextAvailable(t0.Add(time.Second), "a", "b", "c")
	assert.Equal(t, t0.Add(time.Second), at, "c was never seen")

	// NextAvailable takes no probe slot.
	at, _ = r.NextAvailable(t0.Add(10*time.Second), "a", "b")
	assert.Equal(t, t0.Add(10*time.Second), at)
	ok, _ = r.Allow("b", t0.Add(10*time.Second))
	assert.True(t, ok)
	at, _ = r.NextAvailable(t0.Add(10*time.Second), "a", "b")
	assert.Equal(t, t0.Add(20*time.Second), at, "b's only probe slot is taken; a comes back at 20s")

	assert.Equal(t, Closed, r.Record("b", t0.Add(11*time.Second), nil))
	assert.Same(t, r.Breaker("a"), r.Breaker("a"))

	at, ok = EarliestRetry(t0, nil)
	assert.True(t, ok)
	assert.Equal(t, t0, at)
}

// TestBreaker_Concurrent hammers one registry from many goroutines; run with
// -race. The invariant checked at the end: the breaker still answers
// consistently and every goroutine finished.
func TestBreaker_Concurrent(t *testing.T) {
	r := NewRegistry(Settings{ConsecutiveFailures: 3, MinRequests: 5, Cooldown: time.Millisecond, HalfOpenProbes: 2})
	models := []string{"m1", "m2", "m3"}
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				now := t0.Add(time.Duration(i) * time.Millisecond)
				m := models[(g+i)%len(models)]
				if ok, _ := r.Allow(m, now); ok {
					var err error
					if (g+i)%3 == 0 {
						err = errUnavailable
					}
					r.Record(m, now, err)
				}
				r.NextAvailable(now, models...)
				r.Breaker(m).Stats(now)
			}
		}(g)
	}
	wg.Wait()
	for _, m := range models {
		st := r.Breaker(m).Stats(t0.Add(time.Hour))
		assert.Contains(t, []State{Closed, HalfOpen}, st.State)
	}
}
