package hotswap

import (
	"fmt"

	"github.com/llmrouter/llmrouter/internal/nilcheck"
)

// nilValue reports v when it is a nil pointer or nil func (a classifier
// whose constructor failed, its error dropped): validating it would
// panic, and every request using it would fail. A nil interface means the
// default and is never passed here.
func nilValue(format, what string, v any) error {
	if nilcheck.PointerOrFunc(v) {
		return fmt.Errorf(format, what, v)
	}
	return nil
}

const (
	nilNew  = "hotswap: new %s is a nil %T; the old one stays"
	nilHeld = "hotswap: the %s held is a nil %T"
)
