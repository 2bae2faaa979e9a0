package main

import (
	"flag"
	"fmt"
	"strings"
)

// parseFlags parses args as fs.Parse does, but also reads flags that follow
// the first file argument ("train data.jsonl -bits 12"), which the flag
// package would take as file names. After "--" every argument is a file; a
// lone "-" is a file. Afterwards fs.Args() holds the file arguments.
func parseFlags(fs *flag.FlagSet, args []string) error {
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
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
	return fs.Parse(append([]string{"--"}, files...))
}

// noArgs fails when a command that takes no file arguments got some, so
// that a misplaced file is not silently ignored.
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument(s) %q: %s takes flags only", strings.Join(fs.Args(), " "), fs.Name())
	}
	return nil
}
