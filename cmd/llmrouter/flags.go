package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// parseFlags parses args as fs.Parse does, but also reads flags that follow
// the first file argument ("train data.jsonl -bits 12"), which the flag
// package would take as file names. After "--" every argument is a file; a
// lone "-" is a file. Afterwards fs.Args() holds the file arguments.
func parseFlags(fs *flag.FlagSet, args []string) error {
	var files []string
	for {
		if err := parse(fs, args); err != nil {
			return err
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			files = append(files, rest...) // Parse stopped at "--"
			break
		}
		i := 0
		for i < len(rest) && !(len(rest[i]) > 1 && rest[i][0] == '-') {
			i++
		}
		files = append(files, rest[:i]...)
		if i == len(rest) {
			break
		}
		args = rest[i:]
	}
	return parse(fs, append([]string{"--"}, files...))
}

// flagError is a flag the flag package could not parse.
type flagError struct{ err error }

func (e flagError) Error() string { return e.err.Error() }
func (e flagError) Unwrap() error { return e.err }

// parse is fs.Parse without the flag package's own report of a bad flag
// (the message and usage, on stdout), which run then printed again: the
// error comes back as a flagError for run to print once. -h still prints
// the usage.
func parse(fs *flag.FlagSet, args []string) error {
	out, usage := fs.Output(), fs.Usage
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.SetOutput(out)
	fs.Usage = usage
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.Usage()
		return err
	case err != nil:
		return flagError{err}
	}
	return nil
}

// noArgs fails when a command that takes no file arguments got some, so
// that a misplaced file is not silently ignored.
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument(s) %q: %s takes flags only", strings.Join(fs.Args(), " "), fs.Name())
	}
	return nil
}

// checkOutput fails early, before any long work, when path (given by flag
// name) cannot be written: it is a directory, or its directory is missing,
// or it is one of inputs (each a file or a comma-separated list, "" none),
// which writing would destroy. Whether the file itself can be created is
// known only when it is.
func checkOutput(name, path string, inputs ...string) error {
	if path == "" {
		return nil
	}
	st, err := os.Stat(path)
	if err == nil && st.IsDir() {
		return fmt.Errorf("-%s %s: is a directory, not a file", name, path)
	}
	if err == nil {
		for _, in := range inputs {
			for _, q := range strings.Split(in, ",") {
				if ist, err := os.Stat(q); q != "" && err == nil && os.SameFile(st, ist) {
					return fmt.Errorf("-%s %s: is the input file %s; write the output elsewhere", name, path, q)
				}
			}
		}
	}
	dir := filepath.Dir(path)
	st, err = os.Stat(dir)
	if err != nil {
		return fmt.Errorf("-%s %s: its directory: %w", name, path, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("-%s %s: %s is not a directory", name, path, dir)
	}
	return nil
}
