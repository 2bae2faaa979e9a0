package bandit

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Save syncs the directory after the rename, so that the new name (not
// only the file's bytes) survives a machine crash, as decisionlog does.
func TestSaveSyncsDirectory(t *testing.T) {
	p, err := New([]string{"a", "b"}, Options{})
	require.NoError(t, err)
	dir := t.TempDir()
	path := filepath.Join(dir, "state.bin")
	var synced []string
	old := syncDir
	syncDir = func(d string) {
		_, err := os.Stat(path) // the rename happened first
		require.NoError(t, err)
		synced = append(synced, d)
	}
	t.Cleanup(func() { syncDir = old })
	require.NoError(t, p.Save(path))
	require.Equal(t, []string{dir}, synced)
}
