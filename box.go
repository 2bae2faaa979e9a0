package llmrouter

import "unsafe"

// Boxing a value in an interface copies it to the heap: one allocation
// each for the decision's id and cost in every returned choice's
// GenerationInfo. These box a value where it already is, in the call's
// callState, which the response keeps alive anyway. The value must never
// be written again: an interface's value is immutable.

// eface is the layout of an empty interface, the runtime's (reflect's
// and the compiler's): the dynamic type, then a pointer to the value for
// types that are not pointers.
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

// boxString returns *p as an any holding a string, without copying it.
func boxString(p *string) any {
	var v any = "" // a constant: static, not allocated; it gives the type word
	(*eface)(unsafe.Pointer(&v)).data = unsafe.Pointer(p)
	return v
}

// boxFloat returns *p as an any holding a float64, without copying it.
func boxFloat(p *float64) any {
	var v any = float64(0)
	(*eface)(unsafe.Pointer(&v)).data = unsafe.Pointer(p)
	return v
}
