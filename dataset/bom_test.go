package dataset_test

import (
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A UTF-8 byte-order mark at the start of the input (Windows editors and
// spreadsheet exports write one) is not part of the first record, as
// config files' YAML reader already treats it; it used to fail line 1 with
// "invalid character 'ï' looking for beginning of value". A mark anywhere
// else is still an error.
func TestLeadingByteOrderMark(t *testing.T) {
	const bom = "\ufeff"
	rec := `{"id":"a","prompt":"p","outcomes":{"m":{"score":1}}}`
	ds, err := dataset.Read(strings.NewReader(bom + rec + "\r\n" + strings.Replace(rec, `"a"`, `"b"`, 1) + "\n"))
	require.NoError(t, err)
	require.Len(t, ds.Records, 2)
	assert.Equal(t, "a", ds.Records[0].ID)
	assert.Equal(t, 1, ds.Records[0].Line)

	n := 0
	for r, err := range dataset.ReadSeq(strings.NewReader(bom + rec + "\n")) {
		require.NoError(t, err)
		assert.Equal(t, "a", r.ID)
		n++
	}
	assert.Equal(t, 1, n)

	_, err = dataset.Read(strings.NewReader(rec + "\n" + bom + strings.Replace(rec, `"a"`, `"b"`, 1) + "\n"))
	require.ErrorIs(t, err, dataset.ErrSyntax)
	assert.ErrorContains(t, err, "line 2")
}

// A byte order mark starting a later line (two files joined with cat, the
// second saved with one) is named as such, with the likely cause; it was
// reported as "invalid character 'ï' looking for beginning of value".
func TestMidFileByteOrderMarkNamed(t *testing.T) {
	rec := `{"id":"a","prompt":"p","outcomes":{"m":{"score":1}}}`
	_, err := dataset.Read(strings.NewReader(rec + "\n\ufeff" + strings.Replace(rec, `"a"`, `"b"`, 1) + "\n"))
	require.ErrorIs(t, err, dataset.ErrSyntax)
	assert.ErrorContains(t, err, "line 2")
	assert.ErrorContains(t, err, "byte order mark")
	assert.NotContains(t, err.Error(), "invalid character")
}
