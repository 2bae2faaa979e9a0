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
