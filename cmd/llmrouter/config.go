package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/catalog"
	"github.com/llmrouter/llmrouter/config"
	"github.com/llmrouter/llmrouter/routertest"
)

func init() {
	commands["validate"] = command{
		summary: "check a router configuration file: validate [-env] FILE",
		run:     runValidate,
	}
	commands["models"] = command{
		summary: "print the model catalog: prices per million tokens, windows, capabilities, sources",
		run:     runModels,
	}
}

func runValidate(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() {
		fmt.Fprintln(stdout, "usage: llmrouter validate [-env] FILE   (- reads the file from standard input)")
		fmt.Fprintln(stdout, "checks a router configuration file (YAML) and prints its models")
		fs.PrintDefaults()
	}
	env := fs.Bool("env", false, "also check that every api_key_env variable is set")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("want exactly one file argument, got %d", fs.NArg())
	}
	f, err := loadConfig(fs.Arg(0))
	if err != nil {
		return err
	}
	if _, err := f.Build(config.BuildOptions{Fake: !*env}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: ok, %d models\n", inputName(fs.Arg(0)), len(f.Models))
	for _, c := range f.Cards() {
		fmt.Fprintf(stdout, "  %-16s %-28s $%.3f/$%.3f (cached $%.3f)  window %7d  %-28s quality %.2f\n",
			c.Name, c.APIModel, c.InputPerMTok, c.OutputPerMTok, c.CachedInputPerMTok, c.ContextWindow, c.Capabilities, c.Quality)
	}
	return nil
}

// loadConfig is config.Load, standard input for "-" (errors then name
// "standard input").
func loadConfig(path string) (*config.File, error) {
	if path != "-" {
		return config.Load(path)
	}
	r, err := openInput(path, "a configuration file")
	if err != nil {
		return nil, err
	}
	defer r.Close()
	b, err := io.ReadAll(io.LimitReader(r, config.MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("standard input: %w", err)
	}
	return config.Parse(inputName(path), b)
}

// configRouter builds the router a file declares with fake providers on
// clock: what explain and demo -config route with, needing no keys.
func configRouter(path string, clock *routertest.Clock) (*llmrouter.Router, error) {
	f, err := loadConfig(path)
	if err != nil {
		return nil, err
	}
	n := 0
	return f.Build(config.BuildOptions{Fake: true, Clock: clock, Options: []llmrouter.Option{
		llmrouter.WithClock(clock),
		llmrouter.WithIDGenerator(func() string { n++; return fmt.Sprintf("demo-%02d", n) }),
	}})
}

func runModels(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("models", flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() {
		fmt.Fprintln(stdout, "usage: llmrouter models [-sources]")
		fmt.Fprintln(stdout, "prints the built-in model catalog: prices per million tokens, windows, capabilities")
		fs.PrintDefaults()
	}
	sources := fs.Bool("sources", false, "print each row's source page")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "model catalog as of %s (USD per million tokens; 0 = unknown, cached 0 = billed as input)\n", catalog.Date)
	fmt.Fprintf(stdout, "%-10s %-28s %8s %8s %8s %8s %9s %7s  %s\n", "provider", "model", "input", "cached", "c.write", "output", "window", "max out", "capabilities")
	for _, e := range catalog.All() {
		fmt.Fprintf(stdout, "%-10s %-28s %8.3f %8.3f %8.3f %8.2f %9d %7d  %s\n",
			e.Provider, e.Name, e.InputPerMTok, e.CachedInputPerMTok, e.CacheWritePerMTok, e.OutputPerMTok, e.ContextWindow, e.MaxOutputTokens, e.Capabilities)
		if *sources {
			fmt.Fprintf(stdout, "%10s source: %s\n", "", e.Source)
		}
	}
	return nil
}

// runDemoConfig routes the demo's prompts with a configuration's router.
func runDemoConfig(path string, clock *routertest.Clock, stdout io.Writer) error {
	r, err := configRouter(path, clock)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "llmrouter demo: the models of %s, as fakes (USD per million tokens, input/output)\n", path)
	for _, c := range r.Models() {
		fmt.Fprintf(stdout, "  %-16s $%5.2f / $%5.2f  window %7d  %-28s quality prior %.2f\n",
			c.Name, c.InputPerMTok, c.OutputPerMTok, c.ContextWindow, c.Capabilities, c.Quality)
	}
	tally := map[string]int{}
	var total float64
	for i, p := range demoPrompts() {
		ctx := llmrouter.WithHints(context.Background(), p.hints)
		resp, err := r.GenerateContent(ctx, p.messages, p.options...)
		fmt.Fprintf(stdout, "\n── %d. %s ──\n", i+1, p.title)
		if err != nil {
			fmt.Fprintf(stdout, "  error: %v\n", err)
			continue
		}
		d, _ := llmrouter.DecisionFrom(resp)
		fmt.Fprint(stdout, d.Explain())
		tally[d.Answered]++
		total += d.Cost
	}
	fmt.Fprintf(stdout, "\nsummary: %d requests; answered by", len(demoPrompts()))
	for _, c := range r.Models() {
		fmt.Fprintf(stdout, " %s %d,", c.Name, tally[c.Name])
	}
	fmt.Fprintf(stdout, " cost $%.6f\n", total)
	return nil
}
