package nilcheck

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

type stage interface{ Do() }

type ptrStage struct{}

func (*ptrStage) Do() {}

type funcStage func()

func (f funcStage) Do() { f() }

type sliceStage []stage

func (sliceStage) Do() {}

func TestPointerOrFunc(t *testing.T) {
	var nilPtr *ptrStage
	var nilFunc funcStage
	var nilSlice sliceStage
	for _, tc := range []struct {
		name string
		v    stage
		want bool
	}{
		{"no value", nil, false},
		{"nil pointer", nilPtr, true},
		{"nil func", nilFunc, true},
		{"pointer", &ptrStage{}, false},
		{"func", funcStage(func() {}), false},
		{"nil slice", nilSlice, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v any
			if tc.v != nil {
				v = tc.v
			}
			assert.Equal(t, tc.want, PointerOrFunc(v))
		})
	}
}

type validStage struct{ err error }

func (v validStage) Validate() error { return v.err }

func TestUnusable(t *testing.T) {
	bad := errors.New("not made by its constructor")
	for _, tc := range []struct {
		name string
		v    any
		want error
	}{
		{"no value", nil, nil},
		{"no Validate method", &ptrStage{}, nil},
		{"Validate passes", validStage{}, nil},
		{"Validate fails", validStage{bad}, bad},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Unusable(tc.v))
		})
	}
}
