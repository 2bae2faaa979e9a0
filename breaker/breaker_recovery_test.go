package breaker

import (
	"fmt"
	"github.com/llmrouter/llmrouter/internal/errclass"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// outage describes a simulated model outage driven through one Breaker on
// the fake time of its now arguments: the model is down from 0 until
// recoverAt; a request arrives every `every` from 0 on and takes latency to
// fail or answer; a request that arrives while the model is down fails with
// err, any later one succeeds.
type outage struct {
	recoverAt, every, latency time.Duration
	err                       error
}

// outageRun is what simulate saw.
type outageRun struct {
	firstSuccess time.Duration   // when the first success was recorded
	periods      []time.Duration // each trip's open period: retryAt - trip time
	maxOpen      time.Duration   // longest retryAt - trip time seen while open
	calls        int             // requests the breaker let through
}

// simulate runs o against b until the first success (or a bound of 10^6
// visited arrivals, which fails the test). Completions are recorded in time order,
// before an arrival at the same instant.
func (o outage) simulate(t *testing.T, b *Breaker) outageRun {
	t.Helper()
	var run outageRun
	type call struct{ start, done time.Duration }
	var inflight []call // FIFO: constant latency keeps completions in order
	var tripAt time.Duration
	record := func(c call) bool {
		now := t0.Add(c.done)
		before := b.Stats(now).Trips
		var err error
		if c.start < o.recoverAt {
			err = o.err
		}
		st := b.Record(now, err)
		if err == nil {
			return true
		}
		if tr := b.Stats(now).Trips; st == Open && tr > before {
			tripAt = c.done
			run.periods = append(run.periods, b.RetryAt(now).Sub(now))
		}
		if st == Open {
			run.maxOpen = max(run.maxOpen, b.RetryAt(now).Sub(t0.Add(tripAt)))
		}
		return false
	}
	for k := 0; k < 1_000_000; k++ {
		at := time.Duration(k) * o.every
		for len(inflight) > 0 && inflight[0].done <= at {
			c := inflight[0]
			inflight = inflight[1:]
			if record(c) {
				run.firstSuccess = c.done
				return run
			}
		}
		ok, retryAt := b.Allow(t0.Add(at))
		if ok {
			run.calls++
			inflight = append(inflight, call{start: at, done: at + o.latency})
			continue
		}
		// Skip the arrivals that would be refused too: nothing but a
		// completion can let one through before retryAt.
		next := ceilDiv(retryAt.Sub(t0), o.every)
		if len(inflight) > 0 {
			next = min(next, ceilDiv(inflight[0].done, o.every))
		}
		k = max(k, int(next)-1)
	}
	t.Fatalf("no success after 10^6 visited arrivals: %+v", run)
	return run
}

func ceilDiv(d, unit time.Duration) time.Duration { return (d + unit - 1) / unit }

// recoveryBound is when the first success must have been recorded at the
// latest if every open period is at most open: the last failure is recorded
// before recoverAt+latency, so the breaker lets the first request arriving
// at or after recoverAt+latency+open through, and it answers latency later.
func (o outage) recoveryBound(open time.Duration) time.Duration {
	d := o.recoverAt + o.latency + open
	arrival := ceilDiv(d, o.every) * o.every
	return arrival + o.latency
}

// TestBreaker_RecoversWithinOneCooldown is issue 7 item 11: a model down
// for 10s must take traffic again within one base cooldown of coming back,
// not after a doubled one.
func TestBreaker_RecoversWithinOneCooldown(t *testing.T) {
	o := outage{recoverAt: 10 * time.Second, every: 100 * time.Millisecond, err: errUnavailable}
	b := New(Settings{Cooldown: time.Second})
	run := o.simulate(t, b)
	assert.LessOrEqual(t, run.firstSuccess, o.recoverAt+time.Second,
		"recovered at %v, first success at %v; open periods %v", o.recoverAt, run.firstSuccess, run.periods)
	for i, p := range run.periods {
		assert.Equal(t, time.Second, p, "trip %d opens for the base cooldown", i+1)
	}
	assert.Equal(t, Closed, b.Stats(t0.Add(run.firstSuccess)).State)
}

// grownPeriod is the documented open period of the k-th trip in a row
// (k from 1) under settings s with no Retry-After hint.
func grownPeriod(s Settings, k int) time.Duration {
	s = s.normalized()
	d := float64(s.Cooldown) * math.Pow(s.CooldownGrowth, float64(k-1))
	return time.Duration(min(d, float64(s.MaxCooldown)))
}

// TestBreaker_RecoveryBound is a property table: over down-times, request
// rates, latencies and settings, every open period is as documented and
// the first success comes within one open-period bound (the base cooldown
// by default; the Retry-After hint when the errors carry one; MaxCooldown
// with CooldownGrowth) of the model coming back, plus the wait for the
// next request and its latency.
func TestBreaker_RecoveryBound(t *testing.T) {
	settings := []struct {
		name string
		s    Settings
		err  error
		open time.Duration // the bound on one open period
	}{
		{"defaults", Settings{}, errUnavailable, defaultCooldown},
		{"1s cooldown", Settings{Cooldown: time.Second}, errUnavailable, time.Second},
		{"rate trigger only", Settings{ConsecutiveFailures: -1, MinRequests: 4, Window: 10 * time.Second, Cooldown: 3 * time.Second}, errUnavailable, 3 * time.Second},
		{"two probes", Settings{ConsecutiveFailures: 2, Cooldown: 500 * time.Millisecond, HalfOpenProbes: 2}, errUnavailable, 500 * time.Millisecond},
		{"retry-after 90s honoured", Settings{Cooldown: time.Second}, errHinted, 90 * time.Second},
		{"growth 2 up to 8s", Settings{Cooldown: time.Second, CooldownGrowth: 2, MaxCooldown: 8 * time.Second}, errUnavailable, 8 * time.Second},
		{"growth 3 up to 1m", Settings{Cooldown: 2 * time.Second, CooldownGrowth: 3, MaxCooldown: time.Minute}, errUnavailable, time.Minute},
	}
	downs := []time.Duration{300 * time.Millisecond, 2 * time.Second, 10 * time.Second, 95 * time.Second, 17 * time.Minute}
	rates := []time.Duration{10 * time.Millisecond, 100 * time.Millisecond, 1300 * time.Millisecond, 45 * time.Second}
	latencies := []time.Duration{0, 2 * time.Second}
	for _, st := range settings {
		for _, down := range downs {
			for _, every := range rates {
				for _, lat := range latencies {
					name := fmt.Sprintf("%s/down %v/every %v/latency %v", st.name, down, every, lat)
					t.Run(name, func(t *testing.T) {
						o := outage{recoverAt: down, every: every, latency: lat, err: st.err}
						run := o.simulate(t, New(st.s))
						assert.GreaterOrEqual(t, run.firstSuccess, down)
						assert.LessOrEqual(t, run.firstSuccess, o.recoveryBound(st.open),
							"first success at %v; open periods %v", run.firstSuccess, run.periods)
						assert.LessOrEqual(t, run.maxOpen, max(st.open, st.s.normalized().MaxCooldown), "one open period, late failures included")
						hint, _ := errclass.RetryAfter(st.err)
						var want []time.Duration
						for i := range run.periods {
							want = append(want, max(grownPeriod(st.s, i+1), hint))
						}
						assert.Equal(t, want, run.periods, "each trip's open period")
						assert.LessOrEqual(t, slices.Max(append(run.periods, 0)), st.open)
					})
				}
			}
		}
	}
}

// TestBreaker_CooldownGrowth: with growth on, the k-th trip in a row opens
// for Cooldown·g^(k-1), never more than MaxCooldown, and a close starts
// over from Cooldown; values that mean "no growth" keep every period at
// Cooldown.
func TestBreaker_CooldownGrowth(t *testing.T) {
	sec := time.Second
	tests := []struct {
		growth float64
		want   []time.Duration // the first open periods of a long outage
	}{
		{0, []time.Duration{sec, sec, sec, sec}},
		{1, []time.Duration{sec, sec, sec, sec}},
		{0.5, []time.Duration{sec, sec, sec, sec}},
		{-3, []time.Duration{sec, sec, sec, sec}},
		{math.NaN(), []time.Duration{sec, sec, sec, sec}},
		{2, []time.Duration{sec, 2 * sec, 4 * sec, 8 * sec, 10 * sec, 10 * sec}},
		{1.5, []time.Duration{sec, 1500 * time.Millisecond, 2250 * time.Millisecond, 3375 * time.Millisecond}},
		{100, []time.Duration{sec, 10 * sec, 10 * sec}},
		{math.Inf(1), []time.Duration{sec, 10 * sec, 10 * sec}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.growth), func(t *testing.T) {
			s := Settings{ConsecutiveFailures: 1, Cooldown: sec, MaxCooldown: 10 * sec, CooldownGrowth: tt.growth}
			b := New(s)
			now := t0
			require.Equal(t, Open, b.Record(now, errUnavailable))
			for k, want := range tt.want {
				require.Equal(t, now.Add(want), b.RetryAt(now), "trip %d", k+1)
				require.Equal(t, k+1, b.Stats(now).Trips)
				now = now.Add(want)
				ok, _ := b.Allow(now)
				require.True(t, ok, "trip %d: the probe is let through after %v", k+1, want)
				require.Equal(t, Open, b.Record(now, errUnavailable), "failed probe re-opens")
			}
			require.Equal(t, Closed, func() State {
				now = b.RetryAt(now)
				ok, _ := b.Allow(now)
				require.True(t, ok)
				return b.Record(now, nil)
			}())
			require.Equal(t, Open, b.Record(now, errUnavailable))
			assert.Equal(t, now.Add(sec), b.RetryAt(now), "a close starts over from Cooldown")
		})
	}
}
