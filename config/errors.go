package config

import (
	"fmt"
	"sort"
	"strings"
)

// Error is one problem in a configuration file, at a line, in a field.
type Error struct {
	File  string // the file's name as given to Parse or Load
	Line  int    // 1-based; 0 when the problem has no place (an empty file)
	Field string // the field's path, e.g. "models[1].price_in"; "" for the file itself
	Msg   string
}

// Error formats as "router.yaml:12: models[1].price_in: must be >= 0, got -1".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if b.Len() > 0 { // a File made in code has no name
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in one file, in line order. Parse, Load
// and Build return it (as an error) so that an operator fixes them all in
// one pass; errors.As(err, &errs) recovers the list.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// maxErrors bounds the list: a file of a million bad lines reports the
// first ones, not a million.
const maxErrors = 100

func (es *Errors) add(e *Error) {
	if len(*es) < maxErrors {
		*es = append(*es, e)
	}
}

func (es Errors) sorted() Errors {
	sort.SliceStable(es, func(i, j int) bool { return es[i].Line < es[j].Line })
	return es
}

func (es Errors) err() error {
	if len(es) == 0 {
		return nil
	}
	return es.sorted()
}
