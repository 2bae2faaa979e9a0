package dataset_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A line that is not UTF-8 is refused, naming the line and the byte:
// encoding/json would replace the bytes with U+FFFD, changing the prompt
// (and so its hashes and its id's copies) without a word.
func TestInvalidUTF8Refused(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		at         string
	}{
		{"in the prompt", "{\"id\":\"a\",\"prompt\":\"caf\xe9 au lait\",\"outcomes\":{\"m\":{\"score\":1}}}", "byte 24"},
		{"in an answer", "{\"id\":\"a\",\"prompt\":\"p\",\"outcomes\":{\"m\":{\"score\":1,\"answer\":\"\xff\"}}}", "byte 61"},
		{"a cut sequence", "{\"id\":\"a\",\"prompt\":\"\xe2\x82\",\"outcomes\":{\"m\":{\"score\":1}}}", "byte 21"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := dataset.Read(strings.NewReader(tc.line + "\n"))
			require.ErrorIs(t, err, dataset.ErrSyntax)
			var errs *dataset.Errors
			require.True(t, errors.As(err, &errs), "%v", err)
			require.Len(t, errs.Errs, 1)
			assert.Equal(t, 1, errs.Errs[0].Line)
			assert.ErrorContains(t, err, "not UTF-8 at "+tc.at)
		})
	}
	// Valid multi-byte text still reads, unchanged.
	ds, err := dataset.Read(strings.NewReader("{\"id\":\"a\",\"prompt\":\"café ☕ 日本\",\"outcomes\":{\"m\":{\"score\":1}}}\n"))
	require.NoError(t, err)
	assert.Equal(t, "café ☕ 日本", ds.Records[0].Prompt)
}
