package dataset_test

import (
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
