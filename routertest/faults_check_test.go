package routertest_test

import (
	"math"
	"testing"

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
