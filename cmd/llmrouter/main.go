// Command llmrouter demonstrates, trains, evaluates and explains llmrouter
// routing decisions.
//
//	llmrouter demo                 route 13 example prompts across three fake models
//	llmrouter explain "prompt"     print the decision for one prompt
//	llmrouter validate FILE        check a router configuration file
//	llmrouter help CMD             print CMD's flags
//
// Run "llmrouter help" for every command.
//
// The exit status is 0 on success (and for -h), 2 for a command line of the
// wrong shape (an unknown command or flag, a value not of its flag's type, a
// flag given twice, a required flag or argument missing, a stray argument,
// flags that conflict), and 1 for any other error, a flag value out of its
// range included. Errors go to standard error, naming the flag or file.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
)

// command is one subcommand. run receives the arguments after the
// command's name and writes to stdout.
type command struct {
	summary string
	run     func(args []string, stdout io.Writer) error
}

// commands holds every subcommand; files register theirs in init.
var commands = map[string]command{}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 2 && args[0] == "help" {
		args = []string{args[1], "-h"} // "help CMD" is "CMD -h"
	}
	if len(args) > 2 && args[0] == "help" {
		fmt.Fprintf(stderr, "llmrouter help: want at most one command, got %d (%q)\n", len(args)-1, strings.Join(args[1:], " "))
		return 2
	}
	out := &checkedWriter{w: stdout}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(out)
		if out.err != nil {
			fmt.Fprintf(stderr, "llmrouter: stdout: %s\n", out.err)
			return 1
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "llmrouter: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	stdinTaken = false // a new command line: "-" not read yet
	err := c.run(args[1:], out)
	if (err == nil || errors.Is(err, flag.ErrHelp)) && out.err != nil {
		err = fmt.Errorf("stdout: %w", out.err)
	}
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "llmrouter %s: %s\n", args[0], errMessage(args[0], err))
		if errors.As(err, new(usageError)) {
			fmt.Fprintf(stderr, "(llmrouter %s -h lists its flags)\n", args[0])
			return 2
		}
		return 1
	}
	return 0
}

// checkedWriter keeps the first error writing to w and fails every
// later write with it, so a command whose output could not be written
// (a full disk, a closed pipe) exits non-zero even where it printed with
// fmt.Fprint and did not look at the error.
type checkedWriter struct {
	w   io.Writer
	err error
}

func (c *checkedWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.err = err
	return n, err
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: llmrouter <command> [flags]")
	fmt.Fprintln(w)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	width := 0
	for _, n := range names {
		width = max(width, len(n))
	}
	for _, n := range names {
		fmt.Fprintf(w, "  %-*s %s\n", width, n, commands[n].summary)
	}
}

// libPrefix matches the "llmrouter: " the library's errors begin with, at
// the start of the message or of a wrapped part or listed problem.
var libPrefix = regexp.MustCompile(`(^|: |\n[ \t]*)llmrouter: `)

// errMessage is err's text without what the "llmrouter CMD: " prefix
// already says: the library's "llmrouter: " and a leading "CMD: ".
func errMessage(name string, err error) string {
	msg := libPrefix.ReplaceAllString(err.Error(), "$1")
	return strings.TrimPrefix(msg, name+": ")
}
