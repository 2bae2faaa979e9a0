// Sink shows observability: a Sink receives every routing decision after
// its call — which model answered, every attempt with its tokens, cost and
// error — so aggregating them gives per-model traffic, spend and failures.
// Here a batch of requests is sent from several goroutines at once through
// a router over three fake models (the medium one fails its first three
// calls), and a concurrency-safe Sink totals them into a summary table.
//
//	go run ./examples/sink
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"sort"
	"strconv"
	"sync"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/tmc/langchaingo/llms"
)

func main() {
	if err := run(os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// modelStats are one model's totals.
type modelStats struct {
	Answered  int // requests this model answered
	Attempts  int // calls made to it, failed ones included
	Failures  int // calls that returned an error
	InTokens  int
	OutTokens int
	Cost      float64 // USD over every call to it
}

// Stats is a Sink that aggregates decisions per model. The router calls
// Record from the goroutine of each request, so it locks; Record is on the
// request path and only adds numbers, so it stays fast.
type Stats struct {
	mu       sync.Mutex
	requests int
	failed   int // requests that got no answer
	cost     float64
	models   map[string]*modelStats
}

// NewStats returns an empty Stats.
func NewStats() *Stats { return &Stats{models: map[string]*modelStats{}} }

// Record implements llmrouter.Sink.
func (s *Stats) Record(d *llmrouter.Decision) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	s.cost += d.Cost
	if d.Err != nil {
		s.failed++
	}
	if d.Answered != "" {
		s.model(d.Answered).Answered++
	}
	for _, a := range d.Attempts {
		if a.Skipped != "" {
			continue // not called (a cooling-down breaker, say)
		}
		m := s.model(a.Model)
		m.Attempts++
		if a.Err != nil {
			m.Failures++
		}
		m.InTokens += a.Usage.InputTokens
		m.OutTokens += a.Usage.OutputTokens
		m.Cost += a.Cost
	}
}

func (s *Stats) model(name string) *modelStats {
	m := s.models[name]
	if m == nil {
		m = &modelStats{}
		s.models[name] = m
	}
	return m
}

// WriteTable writes the totals as a table, one row per model by name.
// A failed call counts no tokens and no cost: providers do not bill failed
// calls, so the router charges an attempt only for usage its response
// reported.
func (s *Stats) WriteTable(w io.Writer) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.models))
	for name := range s.models {
		names = append(names, name)
	}
	sort.Strings(names)
	const row = "%-8s %8s %6s %6s %10s %10s %10s\n"
	fmt.Fprintf(w, row, "model", "answered", "calls", "failed", "tokens in", "tokens out", "cost USD")
	for _, name := range names {
		m := s.models[name]
		fmt.Fprintf(w, row, name, itoa(m.Answered), itoa(m.Attempts), itoa(m.Failures),
			itoa(m.InTokens), itoa(m.OutTokens), fmt.Sprintf("%.6f", m.Cost))
	}
	fmt.Fprintf(w, row, "total", itoa(s.requests-s.failed), "", "", "", "", fmt.Sprintf("%.6f", s.cost))
	_, err := fmt.Fprintf(w, "%d requests, %d without an answer\n", s.requests, s.failed)
	return err
}

func itoa(n int) string { return strconv.Itoa(n) }

func run(w io.Writer) error {
	cards := []llmrouter.ModelCard{
		{Name: "small", InputPerMTok: 0.10, OutputPerMTok: 0.40, Quality: 0.70},
		{Name: "medium", InputPerMTok: 0.50, OutputPerMTok: 1.50, Quality: 0.80},
		{Name: "large", InputPerMTok: 5, OutputPerMTok: 15, Quality: 0.92},
	}
	answer := routertest.Response{Text: "ok", InputTokens: 50, OutputTokens: 200}
	// medium fails its first three calls with a 500; the router then
	// falls back to the next model of each plan.
	medium := routertest.NewProvider(cards[1],
		routertest.Fail(routertest.ErrServer), routertest.Fail(routertest.ErrServer), routertest.Fail(routertest.ErrServer),
	).Then(answer)
	providers := []llmrouter.Provider{
		routertest.NewProvider(cards[0], answer),
		medium,
		routertest.NewProvider(cards[2], answer),
	}

	stats := NewStats()
	router, err := llmrouter.New(providers, llmrouter.WithSink(stats))
	if err != nil {
		return err
	}

	prompts := []string{
		"What is the capital of Australia?",
		"Translate 'good morning' into French.",
		"Summarise the plot of Hamlet in two sentences.",
		"Prove that there are infinitely many primes, and explain why the proof needs the +1.",
		"Design a rate limiter for a distributed API: first compare token bucket and sliding window, then derive the memory cost of each step by step.",
	}
	const requests, workers = 50, 8
	jobs := make(chan string)
	go func() {
		defer close(jobs)
		for i := range requests {
			jobs <- prompts[i%len(prompts)]
		}
	}()
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range jobs {
				_, err := router.GenerateContent(context.Background(), []llms.MessageContent{
					llms.TextParts(llms.ChatMessageTypeHuman, p),
				})
				if err != nil { // the sink has recorded it too
					errOnce.Do(func() { firstErr = err })
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}

	fmt.Fprintf(w, "%d requests from %d goroutines:\n", requests, workers)
	return stats.WriteTable(w)
}
