package llmrouter_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/breaker"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/tmc/langchaingo/llms"
)

// exampleStart is the fake clocks' start in examples.
var exampleStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// A rate-limited first model is retried after its Retry-After hint; a
// model that keeps failing with 5xx gives way to the next. The fake clock
// makes the waits instant; in a service, leave Clock nil.
func ExampleWithFallback() {
	clock := routertest.NewClock(exampleStart).SetAutoAdvance(true)
	small := routertest.NewProvider(llmrouter.ModelCard{Name: "small", InputPerMTok: 0.15, OutputPerMTok: 0.6, Quality: 0.7},
		routertest.Fail(routertest.ErrRateLimited), routertest.Response{Text: "Paris."})
	large := routertest.NewProvider(llmrouter.ModelCard{Name: "large", InputPerMTok: 2.5, OutputPerMTok: 10, Quality: 0.9})
	r, err := llmrouter.New([]llmrouter.Provider{small, large}, llmrouter.WithClock(clock),
		llmrouter.WithFallback(llmrouter.Fallback{Clock: clock, Rand: func() float64 { return 0 }}))
	if err != nil {
		panic(err)
	}
	resp, err := r.GenerateContent(context.Background(), []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "Capital of France?")})
	if err != nil {
		panic(err)
	}
	d, _ := llmrouter.DecisionFrom(resp)
	for _, a := range d.Attempts {
		fmt.Printf("%s retry=%d wait=%s code=%q next=%q\n", a.Model, a.Retry, a.Wait, a.Code, a.Next)
	}
	fmt.Println(resp.Choices[0].Content)
	// Output:
	// small retry=0 wait=0s code="rate_limit" next="retry in 20ms"
	// small retry=1 wait=20ms code="" next=""
	// Paris.
}

// A user check escalates a weak answer to the stronger model and records
// why.
func ExampleVerifierFunc() {
	cites := llmrouter.VerifierFunc(func(_ context.Context, a *llmrouter.Answer) error {
		if !strings.Contains(a.Text(), "[1]") {
			return errors.New("no citation")
		}
		return nil
	})
	small := routertest.NewProvider(llmrouter.ModelCard{Name: "small", InputPerMTok: 0.15, OutputPerMTok: 0.6, Quality: 0.7},
		routertest.Response{Text: "Paris."})
	large := routertest.NewProvider(llmrouter.ModelCard{Name: "large", InputPerMTok: 2.5, OutputPerMTok: 10, Quality: 0.9},
		routertest.Response{Text: "Paris [1]."})
	r, err := llmrouter.New([]llmrouter.Provider{small, large},
		llmrouter.WithFallback(llmrouter.Fallback{Verifier: llmrouter.Verifiers(llmrouter.DefaultVerifier, cites)}))
	if err != nil {
		panic(err)
	}
	resp, err := r.GenerateContent(context.Background(), []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "Capital of France? Cite.")})
	if err != nil {
		panic(err)
	}
	d, _ := llmrouter.DecisionFrom(resp)
	for _, a := range d.Attempts {
		fmt.Printf("%s rejected=%q next=%q\n", a.Model, a.Rejected, a.Next)
	}
	fmt.Println(resp.Choices[0].Content)
	// Output:
	// small rejected="no citation" next="escalate"
	// large rejected="" next=""
	// Paris [1].
}

// When every planned model is cooling down, the call fails at once and
// says when the first comes back.
func ExampleCoolingDownError() {
	clock := routertest.NewClock(exampleStart)
	p := routertest.NewProvider(llmrouter.ModelCard{Name: "only"}, routertest.Fail(routertest.ErrServer))
	r, err := llmrouter.New([]llmrouter.Provider{p}, llmrouter.WithFallback(llmrouter.Fallback{
		Clock: clock, MaxRetries: -1,
		Breaker: breaker.Settings{ConsecutiveFailures: 1, Cooldown: 30 * time.Second},
	}))
	if err != nil {
		panic(err)
	}
	msgs := []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "hi")}
	_, err = r.GenerateContent(context.Background(), msgs)
	fmt.Println(errors.Is(err, llmrouter.ErrAllFailed))
	_, err = r.GenerateContent(context.Background(), msgs)
	var cd *llmrouter.CoolingDownError
	fmt.Println(errors.As(err, &cd), cd.Models, cd.RetryIn)
	// Output:
	// true
	// true [only] 30s
}
