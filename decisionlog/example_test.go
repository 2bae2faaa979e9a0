package decisionlog_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/decisionlog"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/tmc/langchaingo/llms"
)

// newExampleRouter routes between two fake models, numbering its
// decisions req-1, req-2, …
func newExampleRouter(sink llmrouter.Sink) *llmrouter.Router {
	clock := routertest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	n := 0
	r, err := llmrouter.New([]llmrouter.Provider{
		routertest.NewProvider(llmrouter.ModelCard{Name: "small", InputPerMTok: 0.1, OutputPerMTok: 0.4, Quality: 0.6},
			routertest.Response{Text: "4", InputTokens: 12, OutputTokens: 1, Latency: 300 * time.Millisecond}).WithClock(clock),
		routertest.NewProvider(llmrouter.ModelCard{Name: "large", InputPerMTok: 5, OutputPerMTok: 15, Quality: 0.9},
			routertest.Response{Text: "4"}).WithClock(clock),
	}, llmrouter.WithSink(sink), llmrouter.WithClock(clock),
		llmrouter.WithIDGenerator(func() string { n++; return fmt.Sprintf("req-%d", n) }))
	if err != nil {
		panic(err)
	}
	return r
}

func ask(r *llmrouter.Router, prompt string) *llms.ContentResponse {
	resp, err := r.GenerateContent(context.Background(), []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, prompt)})
	if err != nil {
		panic(err)
	}
	return resp
}

// The log as the router's sink: every decision, and here its answer, is
// appended to JSONL files off the request path; Scan reads them back.
func ExampleLog() {
	dir, _ := os.MkdirTemp("", "decisions")
	defer os.RemoveAll(dir)

	log, err := decisionlog.Open(dir, decisionlog.Options{PromptText: decisionlog.TextFull, AnswerText: decisionlog.TextFull})
	if err != nil {
		panic(err)
	}
	r := newExampleRouter(log)
	log.RecordAnswer(ask(r, "What is 2+2?"))
	ask(r, "And 3+1?")
	if err := log.Close(); err != nil { // flushes, fsyncs, stops the writer
		panic(err)
	}

	st, err := decisionlog.Scan(dir, func(e *decisionlog.Entry) error {
		switch e.Kind {
		case decisionlog.KindDecision:
			fmt.Printf("decision %s: %q → %s\n", e.ID, e.Decision.Features.Text, e.Decision.Answered)
		case decisionlog.KindAnswer:
			fmt.Printf("answer   %s: %s said %q\n", e.ID, e.Model, e.Answer)
		}
		return nil
	})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d entries in %d file(s); dropped %d\n", st.Entries, st.Files, log.Stats().Dropped)
	// Output:
	// decision req-1: "What is 2+2?" → small
	// answer   req-1: small said "4"
	// decision req-2: "And 3+1?" → small
	// 3 entries in 1 file(s); dropped 0
}

// Feedback days later, from another process, joined to its decision by
// the export: an outcomes dataset for `llmrouter train`.
func ExampleExportOutcomes() {
	dir, _ := os.MkdirTemp("", "decisions")
	defer os.RemoveAll(dir)

	log, _ := decisionlog.Open(dir, decisionlog.Options{PromptText: decisionlog.TextFull})
	r := newExampleRouter(log)
	ask(r, "What is 2+2?")
	ask(r, "And 3+1?")
	log.Close()

	// Later, in any process that can write to dir:
	fb, _ := decisionlog.Open(dir, decisionlog.Options{})
	if err := fb.Feedback(context.Background(), "req-1", 1, "user: thumbs up"); err != nil {
		panic(err)
	}
	fb.Close()

	var out strings.Builder
	st, err := decisionlog.ExportOutcomes(dir, &out)
	if err != nil {
		panic(err)
	}
	fmt.Print(out.String())
	fmt.Println(st)
	// Output:
	// {"id":"req-1","task":"math","prompt":"What is 2+2?","outcomes":{"small":{"score":1,"cost":0.0000016000000000000001,"latency_ms":300}}}
	// exported 1 row(s) from 1 decision(s) with feedback (of 2 decisions, 1 feedback entries)
}
