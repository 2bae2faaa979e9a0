package dataset_test

import (
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/stretchr/testify/require"
)

// Load of a directory says so, naming it, instead of "reading dataset after
// line 0: read DIR: is a directory".
func TestLoadDirectory(t *testing.T) {
	dir := t.TempDir()
	_, err := dataset.Load(dir)
	require.ErrorContains(t, err, dir+": a directory, not an outcomes file")
	require.NotContains(t, err.Error(), "line 0")
}

// WithoutOutcomes lets records without outcomes through, and nothing else.
func TestWithoutOutcomes(t *testing.T) {
	in := `{"id":"a","prompt":"p"}
{"id":"b","prompt":"q","outcomes":{}}
`
	_, err := dataset.Read(strings.NewReader(in))
	require.ErrorIs(t, err, dataset.ErrMissing, "strict by default")

	ds, err := dataset.Read(strings.NewReader(in), dataset.WithoutOutcomes())
	require.NoError(t, err)
	require.Len(t, ds.Records, 2)

	for _, bad := range []string{
		`{"id":"a"}`,
		`{"id":"a","prompt":"p","outcomes":{"m":{"score":2}}}`,
		`{"id":"a","prompt":"p","outcomes":{"m":{}}}`,
	} {
		_, err := dataset.Read(strings.NewReader(bad+"\n"), dataset.WithoutOutcomes())
		require.Error(t, err, bad)
	}
}
