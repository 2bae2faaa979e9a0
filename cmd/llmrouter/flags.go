package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
)

// parseFlags parses args as fs.Parse does, but also reads flags that follow
// the first file argument ("train data.jsonl -bits 12"), which the flag
// package would take as file names. After "--" every argument is a file; a
// lone "-" is a file. Afterwards fs.Args() holds the file arguments. A
// flag given twice with two values is an error (see onceFlags).
func parseFlags(fs *flag.FlagSet, args []string) error {
	var files []string
	seen := map[string]setBy{}
	for {
		if err := parseSeen(fs, args, seen); err != nil {
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
	return parseSeen(fs, append([]string{"--"}, files...), seen)
}

// usageError is a command line of the wrong shape: a flag the flag
// package could not parse (unknown, a value not of its type, given twice),
// a required flag or argument missing, a stray argument, flags that
// conflict or one given without the flag it needs. run exits 2 on it, and
// 1 on any other error (a value out of its range included).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef is fmt.Errorf's error as a usageError.
func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// parse is fs.Parse without the flag package's own report of a bad flag
// (the message and usage, on stdout), which run then printed again: the
// error comes back as a usageError for run to print once. -h still prints
// the usage. A flag given twice with two values is an error (see
// onceFlags).
func parse(fs *flag.FlagSet, args []string) error {
	return parseSeen(fs, args, map[string]setBy{})
}

// parseSeen is parse with seen holding the flags set so far (see
// onceFlags), across the calls of one command line.
func parseSeen(fs *flag.FlagSet, args []string, seen map[string]setBy) error {
	out, usage := fs.Output(), fs.Usage
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	restore := onceFlags(fs, seen)
	err := fs.Parse(args)
	restore()
	fs.SetOutput(out)
	fs.Usage = usage
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.Usage()
		return err
	case err != nil:
		return usageError{err}
	}
	return nil
}

// repeatable marks a flag.Value meant to be given several times (-alias),
// which onceFlags leaves alone.
type repeatable interface{ repeatable() }

// onceFlags makes every flag of fs but the repeatable ones refuse a second
// value while fs parses: the flag package keeps the last, so "-data
// a.jsonl -data b.jsonl" read b alone and "-strong A -strong B" used B,
// the first silently lost. Flags bound to one variable (-o and -out) count
// as one. The same value twice loses nothing and passes. seen maps each
// flag (by the first name of its variable) set so far to what set it. It
// returns the function that puts the flags' own values back
// (PrintDefaults reads their types).
func onceFlags(fs *flag.FlagSet, seen map[string]setBy) (restore func()) {
	type saved struct {
		f *flag.Flag
		v flag.Value
	}
	var all []saved
	first := map[uintptr]string{} // a variable's address → its first flag's name
	fs.VisitAll(func(f *flag.Flag) {
		if _, ok := f.Value.(repeatable); ok {
			return
		}
		all = append(all, saved{f, f.Value})
		key := f.Name
		if v := reflect.ValueOf(f.Value); v.Kind() == reflect.Pointer {
			if k, ok := first[v.Pointer()]; ok {
				key = k
			} else {
				first[v.Pointer()] = f.Name
			}
		}
		o := &onceValue{Value: f.Value, name: f.Name, key: key, seen: seen}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			f.Value = onceBool{o}
		} else {
			f.Value = o
		}
	})
	return func() {
		for _, s := range all {
			s.f.Value = s.v
		}
	}
}

// setBy is the flag that first set a variable, and its value.
type setBy struct{ name, value string }

// onceValue is a flag.Value that fails when its variable is set a second
// time to another value.
type onceValue struct {
	flag.Value
	name, key string
	seen      map[string]setBy
}

func (o *onceValue) Set(s string) error {
	first, ok := o.seen[o.key]
	switch {
	case !ok:
		o.seen[o.key] = setBy{o.name, s}
	case first.value == s:
	case first.name == o.name:
		return fmt.Errorf("-%s given twice (%q, then %q): give it once; lists are comma-separated", o.name, first.value, s)
	default:
		return fmt.Errorf("-%s and -%s both given (%q, then %q): they are one setting; give one", first.name, o.name, first.value, s)
	}
	return o.Value.Set(s)
}

// onceBool is onceValue for a boolean flag, which takes no value after it.
type onceBool struct{ *onceValue }

func (onceBool) IsBoolFlag() bool { return true }

// noArgs fails when a command that takes no file arguments got some, so
// that a misplaced file is not silently ignored.
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return usagef("unexpected argument(s) %q: %s takes flags only", strings.Join(fs.Args(), " "), fs.Name())
	}
	return nil
}

// errPlotStdout is -plot -: a plot has no format without a file name.
var errPlotStdout = errors.New("-plot -: a plot's format comes from its file name's extension (.svg, .png or .pdf); give a file name")

// checkOutput fails early, before any long work, when path (given by flag
// name) cannot be written: it is a directory, or its directory is missing,
// or it is one of inputs (each a file or a comma-separated list, "" none),
// which writing would destroy. Whether the file itself can be created is
// known only when it is. "-" (standard output) passes, but for -plot.
// "-" (standard input) for two inputs fails too (see oneStdin).
func checkOutput(name, path string, inputs ...string) error {
	if err := oneStdin(inputs...); err != nil {
		return err
	}
	switch {
	case path == "-" && name == "plot":
		return errPlotStdout
	case path == "" || path == "-": // none, or standard output
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

// samePath reports whether a and b ("" never) name one file: the same
// path once absolute and clean, or, both existing, the same file.
func samePath(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	aa, err1 := filepath.Abs(a)
	ab, err2 := filepath.Abs(b)
	if err1 == nil && err2 == nil && aa == ab {
		return true
	}
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// flagNeed says that a flag applies only when one of with was given too,
// or only when without was not.
type flagNeed struct {
	flag    string
	with    []string
	without string
}

// checkNeeds fails, naming both, when a flag given on the command line
// does not apply for want of another: such a flag used to be read and
// ignored without a word.
func checkNeeds(fs *flag.FlagSet, needs ...flagNeed) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, n := range needs {
		switch {
		case !set[n.flag]:
		case n.without != "" && set[n.without]:
			return usagef("-%s applies only without -%s; drop it", n.flag, n.without)
		case len(n.with) > 0 && !slices.ContainsFunc(n.with, func(w string) bool { return set[w] }):
			return usagef("-%s applies only with -%s; drop it or give that", n.flag, strings.Join(n.with, " or -"))
		}
	}
	return nil
}
