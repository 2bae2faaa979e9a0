package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/tmc/langchaingo/llms"
)

func init() {
	commands["demo"] = command{
		summary: fmt.Sprintf("route %d example prompts across three fake models and explain each decision", len(demoPrompts())),
		run:     runDemo,
	}
	commands["explain"] = command{
		summary: `print the routing decision for one prompt: explain [-config FILE] [-tier T] [-max-cost USD] "prompt"`,
		run:     runExplain,
	}
}

// demoCards are three models with the list prices and limits their vendors
// published (USD per million tokens, late 2024); the answers are fake.
var demoCards = []llmrouter.ModelCard{
	{
		Name: "llama-3.1-8b", InputPerMTok: 0.05, OutputPerMTok: 0.08,
		ContextWindow: 8192, Capabilities: llmrouter.JSONMode | llmrouter.Streaming,
		TypicalLatency: 300 * time.Millisecond, Quality: 0.55,
	},
	{
		Name: "gpt-4o-mini", InputPerMTok: 0.15, OutputPerMTok: 0.60,
		ContextWindow: 128000, Capabilities: llmrouter.Vision | llmrouter.Tools | llmrouter.JSONMode | llmrouter.Streaming,
		TypicalLatency: 700 * time.Millisecond, Quality: 0.72,
	},
	{
		Name: "gpt-4o", InputPerMTok: 2.50, OutputPerMTok: 10,
		ContextWindow: 128000, Capabilities: llmrouter.Vision | llmrouter.Tools | llmrouter.JSONMode | llmrouter.Streaming,
		TypicalLatency: 1500 * time.Millisecond, Quality: 0.88,
	},
}

// demoRouter builds the demo's router: fake providers behind the demo
// cards, a free tier limited to the two cheaper models, and the default
// filters and selection rule.
func demoRouter(clock *routertest.Clock) (*llmrouter.Router, error) {
	providers := make([]llmrouter.Provider, len(demoCards))
	for i, c := range demoCards {
		providers[i] = routertest.NewProvider(c, routertest.Response{
			Text: "(a fake answer from " + c.Name + ")", InputTokens: 0, OutputTokens: 0,
			Latency: c.TypicalLatency,
		}).WithClock(clock)
	}
	policy := llmrouter.Chain(
		llmrouter.TierFilter{Tiers: map[string][]string{"free": {"llama-3.1-8b", "gpt-4o-mini"}}},
		llmrouter.DefaultPolicy(),
	)
	n := 0
	return llmrouter.New(providers,
		llmrouter.WithPolicy(policy),
		llmrouter.WithClock(clock),
		llmrouter.WithIDGenerator(func() string { n++; return fmt.Sprintf("demo-%02d", n) }),
	)
}

type demoPrompt struct {
	title    string
	messages []llms.MessageContent
	options  []llms.CallOption
	hints    llmrouter.Hints
}

func human(text string) []llms.MessageContent {
	return []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, text)}
}

func demoPrompts() []demoPrompt {
	longDoc := minutes(240)
	weatherTool := llms.Tool{Type: "function", Function: &llms.FunctionDefinition{
		Name: "get_weather", Description: "Current weather for a city",
		Parameters: map[string]any{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}},
	}}
	return []demoPrompt{
		{title: "a greeting", messages: human("Hi there! How are you today?")},
		{title: "a factual lookup", messages: human("What is the capital of Australia?")},
		{title: "a code task", messages: human("Write a Go function that parses an RFC 3339 timestamp and returns the Unix time in milliseconds. " +
			"Handle invalid input by returning an error, and include a table-driven unit test.")},
		{title: "a proof", messages: human("Prove that there are infinitely many prime numbers, and explain why the argument " +
			"fails if we only multiply the first k primes without adding 1. Derive the bound p_{k+1} ≤ p_1·p_2·…·p_k + 1.")},
		{title: "a multi-step plan", messages: human("Plan a migration of our PostgreSQL 11 database to PostgreSQL 16 with no downtime. " +
			"First list the risks, then outline the steps in order, and finally explain how to roll back at each stage.")},
		{title: "an image question", messages: []llms.MessageContent{{Role: llms.ChatMessageTypeHuman, Parts: []llms.ContentPart{
			llms.TextPart("What breed is the dog in this photo?"),
			llms.ImageURLPart("https://example.com/dog.jpg"),
		}}}},
		{title: "a long document (~15k tokens)", messages: human("Summarise the following minutes in five bullet points.\n\n" + longDoc)},
		{title: "a tool call", messages: human("What's the weather like in Lisbon right now?"),
			options: []llms.CallOption{llms.WithTools([]llms.Tool{weatherTool})}},
		{title: "JSON extraction", messages: human("Extract the name and email from: 'Contact Ana Silva at ana@example.com'. Reply in JSON."),
			options: []llms.CallOption{llms.WithJSONMode()}},
		{title: "a translation", messages: human("Переведите на английский: «Мы встретимся завтра в десять утра у главного входа»")},
		{title: "a math word problem", messages: human("A train leaves at 9:40 and travels 312 km at 78 km/h, then 45 km at 90 km/h. " +
			"How many minutes after 9:40 does it arrive? Solve step by step.")},
		{title: "the proof again, from a free-tier user", messages: human("Prove that there are infinitely many prime numbers, and explain why the argument " +
			"fails if we only multiply the first k primes without adding 1."),
			hints: llmrouter.Hints{User: "u-123", Tier: "free"}},
		{title: "the code task under a $0.0005 budget", messages: human("Write a Go function that parses an RFC 3339 timestamp and returns the Unix time in milliseconds. " +
			"Handle invalid input by returning an error, and include a table-driven unit test."),
			hints: llmrouter.Hints{MaxCost: 0.0005}},
	}
}

func runDemo(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() {
		fmt.Fprintln(stdout, "usage: llmrouter demo [-config FILE]")
		fmt.Fprintf(stdout, "routes %d example prompts across three fake models (or a configuration's models, as fakes) and explains each decision\n", len(demoPrompts()))
		fs.PrintDefaults()
	}
	cfg := fs.String("config", "", "route with the models a configuration file declares (as fakes) instead of the built-in three (- reads it from standard input)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	clock := routertest.NewClock(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC))
	if *cfg != "" {
		return runDemoConfig(*cfg, clock, stdout)
	}
	r, err := demoRouter(clock)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "llmrouter demo: three fake models with real list prices (USD per million tokens, input/output)")
	for _, c := range demoCards {
		fmt.Fprintf(stdout, "  %-13s $%5.2f / $%5.2f  window %6d  %-28s quality prior %.2f\n",
			c.Name, c.InputPerMTok, c.OutputPerMTok, c.ContextWindow, c.Capabilities, c.Quality)
	}
	fmt.Fprintln(stdout, "policy: free tier → llama-3.1-8b or gpt-4o-mini; capability, context-window, budget and latency filters;")
	fmt.Fprintln(stdout, "        then the cheapest model with predicted quality ≥ 0.70 (else the best)")
	fmt.Fprintln(stdout, "classifier: the built-in default — a difficulty from a model trained on public benchmark outcomes,")
	fmt.Fprintln(stdout, "        blended with request-shape heuristics, mapped onto each card's quality prior")
	var routed, allBig float64
	tally := map[string]int{}
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
		fmt.Fprintf(stdout, "  answer:     %s\n", resp.Choices[0].Content)
		routed += d.Cost
		tally[d.Answered]++
		out := d.Usage.OutputTokens
		allBig += demoCards[2].Cost(d.Features.Tokens, out)
	}
	fmt.Fprintf(stdout, "\nsummary: %d requests; answered by", len(demoPrompts()))
	for _, c := range demoCards {
		fmt.Fprintf(stdout, " %s %d,", c.Name, tally[c.Name])
	}
	fmt.Fprintf(stdout, " cost $%.6f, against $%.6f had every request gone to %s (same token counts)\n",
		routed, allBig, demoCards[2].Name)
	return nil
}

func runExplain(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() {
		fmt.Fprintln(stdout, `usage: llmrouter explain [-config FILE] [-tier T] [-max-cost USD] "prompt"`)
		fmt.Fprintln(stdout, "prints the routing decision for one prompt; no model is called")
		fs.PrintDefaults()
	}
	tier := fs.String("tier", "", "the user's tier (the demo router has a \"free\" tier)")
	maxCost := fs.Float64("max-cost", 0, "the request's cost limit in USD (0: none)")
	cfg := fs.String("config", "", "route with the router a configuration file declares (no model is called; - reads it from standard input)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("want exactly one prompt argument, got %d", fs.NArg())
	}
	if !(*maxCost >= 0) || math.IsInf(*maxCost, 0) {
		return fmt.Errorf("-max-cost %v: want a finite number of USD, 0 for none", *maxCost)
	}
	clock := routertest.NewClock(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC))
	r, err := demoRouter(clock)
	if *cfg != "" {
		r, err = configRouter(*cfg, clock)
	}
	if err != nil {
		return err
	}
	ctx := llmrouter.WithHints(context.Background(), llmrouter.Hints{Tier: *tier, MaxCost: *maxCost})
	d, err := r.Route(ctx, human(fs.Arg(0)))
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, d.Explain())
	return nil
}

// minutes writes n varied paragraphs of meeting minutes: a long document
// (about 80 tokens a paragraph) that reads like one, not one line repeated.
func minutes(n int) string {
	teams := []string{"finance", "platform", "sales", "support", "security", "design", "data", "legal"}
	items := []string{"the quarterly budget", "the hiring plan", "the vendor renewal", "the incident review",
		"the office move", "the pricing change", "the customer survey", "the release schedule", "the audit findings"}
	people := []string{"Ana", "Bilal", "Chen", "Dara", "Emre", "Femi", "Grace", "Hugo", "Ines", "Jonas"}
	outcomes := []string{"approved it with minor changes", "asked for a revised draft by Friday",
		"deferred it to next month", "agreed to split it into two phases", "raised concerns about the timeline",
		"requested more data before deciding"}
	var b strings.Builder
	for i := range n {
		t, it, p, o := teams[i%len(teams)], items[(i*7)%len(items)], people[(i*3)%len(people)], outcomes[(i*5)%len(outcomes)]
		fmt.Fprintf(&b, "Item %d. %s presented %s for the %s team; the group %s. ", i+1, p, it, t, o)
		fmt.Fprintf(&b, "%s noted that the estimate of %d hours and $%d,%03d depends on %s. ",
			people[(i+4)%len(people)], 20+i%60, 3+i%40, (i*137)%1000, items[(i*5+2)%len(items)])
		fmt.Fprintf(&b, "Action: %s to follow up with %s before the next meeting.\n\n", people[(i+7)%len(people)], teams[(i+3)%len(teams)])
	}
	return b.String()
}
