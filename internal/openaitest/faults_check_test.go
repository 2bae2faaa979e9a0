package openaitest

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A rate outside [0,1] or NaN, or a weight that is NaN, infinite or
// negative, is a mistake in the test: InjectFaults panics naming it, as
// routertest.InjectFaults does; it used to run with a rate of NaN (never a
// fault) or count a negative weight as 1 without a word.
func TestInjectFaultsRejectsBadConfig(t *testing.T) {
	s := New(t)
	for _, tc := range []struct {
		name   string
		rate   float64
		faults []Fault
		want   string
	}{
		{"rate above 1", 1.5, nil, "rate 1.5"},
		{"negative rate", -0.1, nil, "rate -0.1"},
		{"NaN rate", math.NaN(), nil, "rate NaN"},
		{"NaN weight", 0.5, []Fault{{Name: "x", Weight: math.NaN()}}, `fault 0 ("x"): Weight NaN`},
		{"infinite weight", 0.5, []Fault{{Name: "y", Weight: math.Inf(1)}}, `fault 0 ("y"): Weight +Inf`},
		{"negative weight", 0.5, []Fault{{Name: "ok", Weight: 1}, {Name: "z", Weight: -1}}, `fault 1 ("z"): Weight -1`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.PanicsWithError(t, "openaitest: InjectFaults: "+tc.want+wantTail(tc.want), func() {
				s.InjectFaults(tc.rate, 1, tc.faults...)
			})
		})
	}
	assert.NotPanics(t, func() { s.InjectFaults(0.5, 1, Fault{Name: "zero counts as one"}) })
}

func wantTail(what string) string {
	if what[:4] == "rate" {
		return ": want a share in [0,1]"
	}
	return ": want a finite weight >= 0 (0 counts as 1)"
}
