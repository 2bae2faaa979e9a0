package dataset

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors wrapped by Error, so callers can test the kind of
// problem with errors.Is.
var (
	// ErrSyntax: the line is not a JSON object of the record's shape.
	ErrSyntax = errors.New("llmrouter: malformed dataset record")
	// ErrMissing: a required field is absent or empty.
	ErrMissing = errors.New("llmrouter: missing dataset field")
	// ErrRange: a number is outside its allowed range (or NaN).
	ErrRange = errors.New("llmrouter: dataset value out of range")
	// ErrDuplicate: an id appears twice, or a model twice in one record
	// (named twice, or two spellings after aliasing).
	ErrDuplicate = errors.New("llmrouter: duplicate in dataset")
	// ErrLineTooLong: a line is longer than the reader's limit (see
	// WithMaxLineBytes).
	ErrLineTooLong = errors.New("llmrouter: dataset line too long")
)

// Error is one problem with one record of an outcomes dataset. It
// names the line (1-based; 0 for a record built in memory), the record's id
// when known, and the field ("id", "prompt", "outcomes",
// "outcomes.<model>.score", ...; empty for a line that is not JSON at all).
// It unwraps to one of the ErrDataset* sentinels.
type Error struct {
	Line  int
	ID    string
	Field string
	Err   error
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d", e.Line)
	} else {
		b.WriteString("record")
	}
	if e.ID != "" {
		fmt.Fprintf(&b, " (id %q)", e.ID)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ": field %s", e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Errors collects the problems found in a dataset: the first few in
// full, and how many more were left out.
type Errors struct {
	Errs    []*Error
	Omitted int
}

func (e *Errors) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "llmrouter: %d problem(s) in dataset", len(e.Errs)+e.Omitted)
	for _, err := range e.Errs {
		b.WriteString("\n  ")
		b.WriteString(err.Error())
	}
	if e.Omitted > 0 {
		fmt.Fprintf(&b, "\n  ... and %d more", e.Omitted)
	}
	return b.String()
}

// Unwrap returns the collected errors, so errors.As finds a *Error
// and errors.Is a sentinel.
func (e *Errors) Unwrap() []error {
	out := make([]error, len(e.Errs))
	for i, err := range e.Errs {
		out[i] = err
	}
	return out
}

// dsErr wraps a sentinel with a detail message.
func dsErr(line int, id, field string, kind error, format string, args ...any) *Error {
	return &Error{Line: line, ID: id, Field: field, Err: fmt.Errorf("%w: %s", kind, fmt.Sprintf(format, args...))}
}
