package routertest_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
)

// TestInjectFaultsRejectsBadConfig: a rate outside [0,1] or NaN, and a
// weight that is NaN, infinite or negative, panic at once with a message
// naming it (as httptest.NewRequest panics on bad input): they used to
// be taken silently, a NaN rate injecting no fault at all, a NaN weight
// always the last fault, a negative one counting as 1.
func TestInjectFaultsRejectsBadConfig(t *testing.T) {
	ok := routertest.Fault{Name: "ok", Weight: 1, Response: routertest.Fail(nil)}
	bad := func(w float64) routertest.Fault {
		return routertest.Fault{Name: "bad", Weight: w, Response: routertest.Fail(nil)}
	}
	tests := []struct {
		name   string
		rate   float64
		faults []routertest.Fault
		want   string
	}{
		{"NaN rate", math.NaN(), nil, "routertest: InjectFaults: rate NaN: want a share in [0,1]"},
		{"negative rate", -0.1, nil, "routertest: InjectFaults: rate -0.1: want a share in [0,1]"},
		{"rate over 1", 1.5, nil, "routertest: InjectFaults: rate 1.5: want a share in [0,1]"},
		{"NaN weight", 0.5, []routertest.Fault{ok, bad(math.NaN())}, `routertest: InjectFaults: fault 1 ("bad"): Weight NaN: want a finite weight >= 0 (0 counts as 1)`},
		{"infinite weight", 0.5, []routertest.Fault{bad(math.Inf(1))}, `routertest: InjectFaults: fault 0 ("bad"): Weight +Inf: want a finite weight >= 0 (0 counts as 1)`},
		{"negative weight", 0.5, []routertest.Fault{bad(-2)}, `routertest: InjectFaults: fault 0 ("bad"): Weight -2: want a finite weight >= 0 (0 counts as 1)`},
	}
	echo := routertest.NewEcho(llmrouter.ModelCard{Name: "m"})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.PanicsWithError(t, tt.want, func() { routertest.InjectFaults(echo, tt.rate, 1, tt.faults...) })
		})
	}
	for _, rate := range []float64{0, 1} {
		assert.NotPanics(t, func() { routertest.InjectFaults(echo, rate, 1, ok, bad(0)) }, "the bounds and a zero weight are valid")
	}
}

// TestInjectFaultsRejectsBadNames: faults are told apart by name (Counts,
// OnCall, where "" means no fault), so an empty or repeated Name panics
// naming it, as does a nil provider; an empty name was reported to OnCall
// as a call that met no fault, and two faults of one name were counted
// together.
func TestInjectFaultsRejectsBadNames(t *testing.T) {
	fault := func(name string) routertest.Fault {
		return routertest.Fault{Name: name, Response: routertest.Fail(nil)}
	}
	echo := routertest.NewEcho(llmrouter.ModelCard{Name: "m"})
	tests := []struct {
		name   string
		p      llmrouter.Provider
		faults []routertest.Fault
		want   string
	}{
		{"empty name", echo, []routertest.Fault{fault("a"), fault("")}, `routertest: InjectFaults: fault 1 has no Name`},
		{"repeated name", echo, []routertest.Fault{fault("a"), fault("b"), fault("a")}, `routertest: InjectFaults: faults 0 and 2 are both named "a"`},
		{"nil provider", nil, nil, `routertest: InjectFaults: nil provider`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.PanicsWithError(t, tt.want, func() { routertest.InjectFaults(tt.p, 0.5, 1, tt.faults...) })
		})
	}
}

// A FaultInjector InjectFaults did not make (its zero value) panics naming
// InjectFaults when called, without holding its lock (so Counts and Calls
// still answer); GenerateContent panicked with a nil pointer dereference
// holding the lock, and every later Counts or Calls hung.
func TestFaultInjectorZeroValue(t *testing.T) {
	var f routertest.FaultInjector
	const want = "routertest: FaultInjector not made by InjectFaults (its zero value is not usable)"
	assert.PanicsWithValue(t, want, func() { _, _ = f.GenerateContent(context.Background(), nil) })
	assert.PanicsWithValue(t, want, func() { f.Card() })
	assert.Empty(t, f.Counts())
	assert.Zero(t, f.Calls())
}

// Advance moves the clock forward, as its doc says: a negative d panics
// naming it; it moved the clock back silently.
func TestClockAdvanceNegative(t *testing.T) {
	c := routertest.NewClock(time.Unix(100, 0))
	assert.PanicsWithError(t, "routertest: Clock.Advance(-1s): the clock only moves forward", func() { c.Advance(-time.Second) })
	assert.Equal(t, time.Unix(100, 0), c.Now())
	c.Advance(0)
	assert.Equal(t, time.Unix(100, 0), c.Now())
}
