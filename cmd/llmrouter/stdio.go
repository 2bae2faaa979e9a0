package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Standard input and output as files: where a command reads a file, "-"
// (a whole argument, or an item of a comma-separated list) reads standard
// input, and where it writes one (-o, -state), "-" writes standard
// output, the command's report then going to standard error. Standard
// input is read once: "-" for two inputs of one command is an error.

// stdinUsage and stdioUsage are the line a command's usage gives about
// "-": stdinUsage where the command writes no file.
const (
	stdinUsage = `an input file given as "-" is standard input (for one input only)`
	stdioUsage = stdinUsage + `; an output file given as "-" is standard output, the report then going to standard error`
)

// stdinInput is what "-" reads; tests replace it.
var stdinInput = func() io.Reader { return os.Stdin }

// stdinTaken says that an input of the running command has read "-";
// run resets it.
var stdinTaken bool

// errStdinTwice is "-" given for a second input.
var errStdinTwice error = usageError{errors.New(`"-" (standard input) given for two inputs: standard input can be read once; give files for the others`)}

// oneStdin fails when "-" is more than one of inputs (each a path or a
// comma-separated list, "" none): checked before anything is read, as
// openInput checks when "-" is read a second time.
func oneStdin(inputs ...string) error {
	n := 0
	for _, in := range inputs {
		for _, q := range strings.Split(in, ",") {
			if q == "-" {
				n++
			}
		}
	}
	if n > 1 {
		return errStdinTwice
	}
	return nil
}

// inputName is how messages name the input path.
func inputName(path string) string {
	if path == "-" {
		return "standard input"
	}
	return path
}

// openInput opens the input file path, what (e.g. "an outcomes file") its
// kind, or standard input for "-" (once per command). A directory is an
// error naming path.
func openInput(path, what string) (io.ReadCloser, error) {
	if path == "-" {
		if stdinTaken {
			return nil, errStdinTwice
		}
		stdinTaken = true
		return io.NopCloser(stdinInput()), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%s: a directory, not %s", path, what)
	}
	return f, nil
}

// reportTo is where a command whose output file is out writes its report:
// standard error when out is "-" (standard output then holds the file),
// stdout otherwise.
func reportTo(stdout io.Writer, out string) io.Writer {
	if out == "-" {
		return warnOutput()
	}
	return stdout
}

// outputName is how messages name the output path.
func outputName(path string) string {
	if path == "-" {
		return "standard output"
	}
	return path
}
