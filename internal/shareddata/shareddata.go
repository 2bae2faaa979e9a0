// Package shareddata finds the shared outcomes data — the directory
// shared/data beside the repository — for the tests and benchmarks of
// every package, wherever they run from.
package shareddata

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the shared data directory, ../shared/data relative to the
// module root (the nearest directory upwards from the working directory
// that holds go.mod), and whether it exists.
func Dir() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
	data := filepath.Join(dir, "..", "shared", "data")
	st, err := os.Stat(data)
	return data, err == nil && st.IsDir()
}

// Path returns the path of the named file of the shared data, or skips
// tb, saying what is missing, when the file is absent.
func Path(tb testing.TB, name string) string {
	tb.Helper()
	dir, _ := Dir()
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); err != nil {
		tb.Skipf("real data %s not found (%v): the shared outcomes data lives beside the repository in ../shared/data", name, err)
	}
	return path
}
