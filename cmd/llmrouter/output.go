package main

import (
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/llmrouter/llmrouter/eval"
	"gonum.org/v1/plot"
)

// writeOutput writes a command's output file with write. A regular file
// (or a new one) is replaced only once write and the file's close
// succeed: the output goes to a temporary file beside it, synced and
// renamed over path at the end, so a failure part-way (a bad record, a full disk)
// leaves the old file as it was and no temporary file behind. A new file
// gets the mode os.Create gives, an existing one keeps its mode. Anything
// else (/dev/null, a pipe, a symbolic link such as /dev/stdout) is
// written directly, through the link, never renamed over. Path "-" is
// stdout.
func writeOutput(stdout io.Writer, path string, write func(io.Writer) error) error {
	if path == "-" {
		return write(stdout)
	}
	perm := fs.FileMode(0o666) // less the umask, as os.Create
	st, err := os.Lstat(path)
	switch {
	case err == nil && !st.Mode().IsRegular():
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
		if err != nil {
			return err
		}
		err = write(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	case err == nil:
		perm = st.Mode().Perm()
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	f, err := createTemp(path, perm)
	if err != nil {
		return err
	}
	err = write(f)
	if err == nil {
		err = f.Sync() // the new contents before the new name
	}
	if err == nil && st != nil {
		err = f.Chmod(perm) // the umask applied at creation
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// createTemp creates a new file beside path, named after it, with perm
// less the umask.
func createTemp(path string, perm fs.FileMode) (*os.File, error) {
	dir, base := filepath.Split(path)
	for try := 0; ; try++ {
		name := filepath.Join(dir, "."+base+".tmp"+strconv.FormatUint(rand.Uint64()%1e9, 10))
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if err == nil || !errors.Is(err, fs.ErrExist) || try == 9 {
			return f, err
		}
	}
}

// savePlot is eval.SavePlot through writeOutput: the format path's
// extension names (checkOutput refuses "-", which has none).
func savePlot(p *plot.Plot, path string) error {
	return writeOutput(nil, path, func(w io.Writer) error { return eval.WritePlot(p, w, strings.ToLower(filepath.Ext(path))) })
}
