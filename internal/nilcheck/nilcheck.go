// Package nilcheck tells a typed nil apart: an interface value that is not
// nil but holds a nil pointer or nil func, usually a constructor's result
// whose error was dropped. Every method call on it would panic, so the
// packages that take user-supplied stages refuse it up front.
package nilcheck

import "reflect"

// PointerOrFunc reports whether v holds a nil pointer or a nil func. A nil
// v (no value at all, which callers read as "the default") is not one, nor
// are nil maps and slices, whose methods may work (an empty Chain).
func PointerOrFunc(v any) bool {
	if v == nil {
		return false
	}
	rv := reflect.ValueOf(v)
	k := rv.Kind()
	return (k == reflect.Pointer || k == reflect.Func) && rv.IsNil()
}

// Unusable returns the error of v's Validate method, if v has one taking
// nothing (nil otherwise): a shared store made without its constructor
// (a redisstore zero value) says so there, so that what takes the store
// refuses it when built, not on every call. Call it after PointerOrFunc:
// a nil pointer's Validate may itself panic.
func Unusable(v any) error {
	if u, ok := v.(interface{ Validate() error }); ok {
		return u.Validate()
	}
	return nil
}
