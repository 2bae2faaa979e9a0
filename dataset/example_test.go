package dataset_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/llmrouter/llmrouter/dataset"
)

// ExampleRead shows the error for a malformed outcomes file: the
// line and the field.
func ExampleRead() {
	data := `{"id":"a","prompt":"2+2?","outcomes":{"m":{"score":1}}}
{"id":"b","prompt":"3+3?","outcomes":{"m":{"score":7}}}
`
	_, err := dataset.Read(strings.NewReader(data))
	var de *dataset.Error
	if errors.As(err, &de) {
		fmt.Println("line", de.Line, "field", de.Field)
	}
	// Output: line 2 field outcomes.m.score
}
