package llmrouter_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/tmc/langchaingo/llms"
)

// Examples of the router's options, plan execution, sinks and errors.

// exampleClockAt is a fake clock at the given hour of exampleStart's day.
func exampleClockAt(hour int) *routertest.Clock {
	return routertest.NewClock(exampleStart.Add(time.Duration(hour) * time.Hour))
}

// A fake clock and a counter for IDs make decisions repeatable, e.g. in
// golden tests.
func ExampleWithClock() {
	n := 0
	r, err := llmrouter.New(exampleProviders(), llmrouter.WithClock(exampleClockAt(9)),
		llmrouter.WithIDGenerator(func() string { n++; return fmt.Sprintf("req-%d", n) }))
	if err != nil {
		panic(err)
	}
	d, err := r.Route(context.Background(), exampleAsk("Hello"))
	if err != nil {
		panic(err)
	}
	fmt.Println(d.ID, d.Time.Format(time.RFC3339))
	// Output:
	// req-1 2026-01-01T09:00:00Z
}

func ExampleWithIDGenerator() {
	r, err := llmrouter.New(exampleProviders(), llmrouter.WithIDGenerator(func() string { return "trace-42" }))
	if err != nil {
		panic(err)
	}
	resp, err := r.GenerateContent(context.Background(), exampleAsk("Hello"))
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.Choices[0].GenerationInfo[llmrouter.InfoDecisionID])
	// Output:
	// trace-42
}

// A gateway's own error text, classified so that the router retries it.
func ExampleWithErrorClassifier() {
	draining := errors.New("gateway: backend draining")
	classify := func(err error) llms.ErrorCode {
		if errors.Is(err, draining) {
			return llms.ErrCodeProviderUnavailable
		}
		return llmrouter.ErrorCodeOf(err)
	}
	clock := routertest.NewClock(exampleStart).SetAutoAdvance(true)
	small := routertest.NewProvider(llmrouter.ModelCard{Name: "small", InputPerMTok: 0.15, OutputPerMTok: 0.6},
		routertest.Fail(draining), routertest.Response{Text: "Paris."})
	r, err := llmrouter.New([]llmrouter.Provider{small}, llmrouter.WithClock(clock), llmrouter.WithErrorClassifier(classify),
		llmrouter.WithFallback(llmrouter.Fallback{Clock: clock, Rand: func() float64 { return 0.5 }}))
	if err != nil {
		panic(err)
	}
	resp, err := r.GenerateContent(context.Background(), exampleAsk("Capital of France?"))
	if err != nil {
		panic(err)
	}
	d, _ := llmrouter.DecisionFrom(resp)
	for _, a := range d.Attempts {
		fmt.Printf("%s code=%q next=%q\n", a.Model, a.Code, a.Next)
	}
	// Output:
	// small code="provider_unavailable" next="retry in 125ms"
	// small code="" next=""
}

// Every attempt fails: the error lists them.
func ExampleAllFailedError() {
	small := routertest.NewProvider(llmrouter.ModelCard{Name: "small", InputPerMTok: 0.15, OutputPerMTok: 0.6}, routertest.Fail(routertest.ErrInjected))
	large := routertest.NewProvider(llmrouter.ModelCard{Name: "large", InputPerMTok: 2.5, OutputPerMTok: 10}, routertest.Fail(routertest.ErrInjected))
	r, err := llmrouter.New([]llmrouter.Provider{small, large})
	if err != nil {
		panic(err)
	}
	_, err = r.GenerateContent(context.Background(), exampleAsk("Hello"))
	var all *llmrouter.AllFailedError
	fmt.Println(errors.Is(err, llmrouter.ErrAllFailed), errors.As(err, &all))
	for _, a := range all.Attempts {
		fmt.Println(a.Model, a.Code)
	}
	// Output:
	// true true
	// small unknown
	// large unknown
}

// No model passes the filters: the error says why each was removed.
func ExampleNoCandidateError() {
	tiers := llmrouter.TierFilter{Tiers: map[string][]string{"free": {"small"}}}
	r, err := llmrouter.New(exampleProviders(), llmrouter.WithPolicy(llmrouter.DefaultPolicy(tiers)))
	if err != nil {
		panic(err)
	}
	_, err = r.Route(llmrouter.WithHints(context.Background(), llmrouter.Hints{Tier: "gold"}), exampleAsk("Hello"))
	var none *llmrouter.NoCandidateError
	if errors.As(err, &none) {
		for _, c := range none.Candidates {
			fmt.Printf("%s: %s\n", c.Model, c.Removed)
		}
	}
	// Output:
	// small: tier "gold" is not configured
	// large: tier "gold" is not configured
}

// Built-in checks plus one of your own; a rejected answer escalates to the
// next model, and when every answer is rejected the error says why.
func ExampleVerifiers() {
	short := llmrouter.VerifierFunc(func(_ context.Context, a *llmrouter.Answer) error {
		if len(a.Text()) > 20 {
			return errors.New("too long")
		}
		return nil
	})
	small := routertest.NewProvider(llmrouter.ModelCard{Name: "small", InputPerMTok: 0.15, OutputPerMTok: 0.6, Quality: 0.7},
		routertest.Response{Text: "I'm sorry, I can't help with that."})
	large := routertest.NewProvider(llmrouter.ModelCard{Name: "large", InputPerMTok: 2.5, OutputPerMTok: 10, Quality: 0.9},
		routertest.Response{Text: "Paris."}, routertest.Response{Text: "A very long answer indeed."})
	r, err := llmrouter.New([]llmrouter.Provider{small, large}, llmrouter.WithFallback(llmrouter.Fallback{
		Verifier: llmrouter.Verifiers(llmrouter.DefaultVerifier, short),
	}))
	if err != nil {
		panic(err)
	}
	answer, err := r.Call(context.Background(), "Capital of France?")
	fmt.Println(answer, err)
	_, err = r.Call(context.Background(), "Capital of France?")
	var rejected *llmrouter.RejectedError
	if errors.As(err, &rejected) {
		fmt.Println(rejected.Model, "rejected:", rejected.Reason)
	}
	// Output:
	// Paris. <nil>
	// large rejected: too long
}

// The only model refuses: the refusal check rejects its answer.
func ExampleRejectedError() {
	small := routertest.NewProvider(llmrouter.ModelCard{Name: "small"}, routertest.Response{Text: "I'm sorry, I can't help with that."})
	r, err := llmrouter.New([]llmrouter.Provider{small}, llmrouter.WithFallback(llmrouter.Fallback{
		Verifier: llmrouter.DefaultVerifier, MaxRetries: -1,
	}))
	if err != nil {
		panic(err)
	}
	_, err = r.Call(context.Background(), "Hello")
	var rejected *llmrouter.RejectedError
	fmt.Println(errors.Is(err, llmrouter.ErrRejected), errors.As(err, &rejected))
	fmt.Printf("%s: %v\n", rejected.Model, rejected.Reason)
	// Output:
	// true true
	// small: refusal ("i'm sorry, i can't")
}

func ExampleBackoff() {
	b := llmrouter.Backoff{Base: 100 * time.Millisecond, Max: time.Second}
	for attempt := range 5 {
		// Full jitter: a uniform delay up to the ceiling (rnd returns 0.5 here).
		fmt.Println(attempt, b.Ceiling(attempt), b.Delay(attempt, func() float64 { return 0.5 }))
	}
	// Output:
	// 0 100ms 50ms
	// 1 200ms 100ms
	// 2 400ms 200ms
	// 3 800ms 400ms
	// 4 1s 500ms
}

// With P95, each model is hedged after its own observed 95th-percentile
// latency; until it has enough samples, after Delay.
func ExampleHedge() {
	r, err := llmrouter.New(exampleProviders(), llmrouter.WithFallback(llmrouter.Fallback{
		Hedge: llmrouter.Hedge{P95: true, Delay: 800 * time.Millisecond, MaxExtra: 1},
	}))
	if err != nil {
		panic(err)
	}
	fmt.Println(r.HedgeDelay("small"))
	// Output:
	// 800ms true
}

// A sink that logs one line per decision.
func ExampleSinkFunc() {
	var log strings.Builder
	logLine := llmrouter.SinkFunc(func(d *llmrouter.Decision) {
		fmt.Fprintf(&log, "%s model=%s cost=$%.6f err=%v\n", d.ID, d.Answered, d.Cost, d.Err)
	})
	r, err := llmrouter.New(exampleProviders(), llmrouter.WithSink(logLine),
		llmrouter.WithIDGenerator(func() string { return "d1" }))
	if err != nil {
		panic(err)
	}
	if _, err := r.Call(context.Background(), "What is the capital of France?"); err != nil {
		panic(err)
	}
	fmt.Print(log.String())
	// Output:
	// d1 model=small cost=$0.000003 err=<nil>
}

// A feedback log keeps the last capacity decisions; feedback for an older
// one is refused.
func ExampleNewFeedbackLog() {
	fb := llmrouter.NewFeedbackLog(2)
	ids := 0
	r, err := llmrouter.New(exampleProviders(), llmrouter.WithSink(fb),
		llmrouter.WithIDGenerator(func() string { ids++; return fmt.Sprint("d", ids) }))
	if err != nil {
		panic(err)
	}
	for range 3 {
		if _, err := r.Call(context.Background(), "What is the capital of France?"); err != nil {
			panic(err)
		}
	}
	fmt.Println(fb.Len(), fb.Feedback("d3", 1), errors.Is(fb.Feedback("d1", 1), llmrouter.ErrUnknownDecision))
	// Output:
	// 2 <nil> true
}

// Explain says, in a few lines, why a request went where it went.
func ExampleDecision_Explain() {
	r, err := llmrouter.New(exampleProviders(), llmrouter.WithClassifier(exampleQuality),
		llmrouter.WithClock(exampleClockAt(9)), llmrouter.WithIDGenerator(func() string { return "d1" }))
	if err != nil {
		panic(err)
	}
	d, err := r.Route(context.Background(), exampleAsk("Hello"))
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Explain())
	// Output:
	// decision d1 at 2026-01-01T09:00:00Z
	//   request:    1 message(s), 1 human turn(s), ~6 tokens (system 0), 1 words in the last turn
	//   signals:    code 0.00, math 0.00, reasoning 0, multi-step 0, questions 0, script latin
	//   prediction: confidence 0.00
	//   candidates:
	//     small  quality 0.75  est. cost $0.000154
	//     large  quality 0.90  est. cost $0.002575
	//   plan:
	//     1. small  cheapest model with predicted quality at or above the threshold
	//     2. large  fallback: next cheapest adequate model
	//   chosen:     small
}
