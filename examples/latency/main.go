// Latency routes latency-critical calls to the fastest adequate model and
// background work to the cheapest adequate one, by what the models have
// actually done: a latency.Tracker learns each model's p90 from the
// router's own calls and replaces the card's TypicalLatency with it.
//
// Today the cheap model is slow (its card says 800ms, it takes 2.5s) and
// the mid-priced one fast. Before the tracker has samples a call with a
// one-second budget trusts the cards and goes to the slow model; after,
// it goes to the fast one, while background calls stay on the cheap one.
// A request with Hints.LatencyBudget set is latency-critical here.
//
// It uses fake models and a fake clock only: no network, no API key, no
// waiting.
//
//	go run ./examples/latency
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/latency"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/tmc/langchaingo/llms"
)

func main() {
	if err := run(os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(w io.Writer) error {
	clock := routertest.NewClock(time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC))
	models := []struct {
		card   llmrouter.ModelCard
		actual time.Duration // what the fake model takes today
	}{
		{llmrouter.ModelCard{Name: "mini", InputPerMTok: 0.15, OutputPerMTok: 0.60, Quality: 0.80, TypicalLatency: 800 * time.Millisecond}, 2500 * time.Millisecond},
		{llmrouter.ModelCard{Name: "flash", InputPerMTok: 0.60, OutputPerMTok: 2.40, Quality: 0.82, TypicalLatency: 1500 * time.Millisecond}, 350 * time.Millisecond},
		{llmrouter.ModelCard{Name: "large", InputPerMTok: 2.50, OutputPerMTok: 10, Quality: 0.92, TypicalLatency: 4 * time.Second}, 3 * time.Second},
	}
	var providers []llmrouter.Provider
	tiers := map[string][]string{}
	for _, m := range models {
		providers = append(providers, routertest.NewProvider(m.card,
			routertest.Response{Text: "answer from " + m.card.Name, InputTokens: 40, OutputTokens: 120, Latency: m.actual}).WithClock(clock))
		tiers["only-"+m.card.Name] = []string{m.card.Name} // for the warm-up traffic below
	}
	tracker, err := latency.New(latency.Config{MinSamples: 5})
	if err != nil {
		return err
	}
	// The selection rule follows the hints: the fastest adequate model for
	// a call with a latency budget, else the cheapest adequate one.
	rule := llmrouter.PolicyFunc(func(r *llmrouter.Routing) error {
		if r.Hints.LatencyBudget > 0 {
			return latency.FastestAdequate{}.Apply(r)
		}
		return llmrouter.CheapestAdequate{}.Apply(r)
	})
	// The tracker first, so the built-in latency filter and the rule read
	// observed latencies; requests naming no tier may use every model.
	router, err := llmrouter.New(providers, llmrouter.WithClock(clock), llmrouter.WithSink(tracker),
		llmrouter.WithPolicy(llmrouter.Chain(tracker, llmrouter.DefaultPolicy(llmrouter.TierFilter{Tiers: tiers}, rule))))
	if err != nil {
		return err
	}
	ask := func(label string, h llmrouter.Hints, prompt string) error {
		ctx := llmrouter.WithHints(context.Background(), h)
		resp, err := router.GenerateContent(ctx, []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, prompt)})
		if err != nil {
			return err
		}
		d, _ := llmrouter.DecisionFrom(resp)
		fmt.Fprintf(w, "  %s: → %s in %v (%s)", label, d.Answered, d.Attempts[0].Latency, d.Plan[0].Reason)
		for _, c := range d.Candidates {
			if c.Removed != "" && !strings.HasPrefix(c.Removed, "not allowed on tier") { // tier removals are the warm-up's, not news
				fmt.Fprintf(w, "; %s removed: %s", c.Model, c.Removed)
			}
		}
		fmt.Fprintln(w)
		return nil
	}
	critical := llmrouter.Hints{LatencyBudget: time.Second}
	const prompt = "Suggest a subject line for a meeting reminder email."

	fmt.Fprintln(w, "by the cards (no samples yet):")
	if err := ask("latency-critical", critical, prompt); err != nil {
		return err
	}

	// Warm-up: other traffic reaches every model (here through tiers that
	// pin one model each); the tracker records each answer's latency.
	for _, m := range models {
		for range 5 {
			ctx := llmrouter.WithHints(context.Background(), llmrouter.Hints{Tier: "only-" + m.card.Name})
			if _, err := router.GenerateContent(ctx, []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, prompt)}); err != nil {
				return err
			}
		}
	}
	fmt.Fprintln(w, "observed:")
	for _, m := range models {
		s := tracker.Stats(m.card.Name).Total
		fmt.Fprintf(w, "  %s: card %v, observed p90 %v over %d calls\n", m.card.Name, m.card.TypicalLatency, s.Quantile, s.Samples)
	}

	fmt.Fprintln(w, "by observed latency:")
	if err := ask("latency-critical", critical, prompt); err != nil {
		return err
	}
	return ask("background", llmrouter.Hints{}, prompt)
}
