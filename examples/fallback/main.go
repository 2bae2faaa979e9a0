// Fallback shows resilient plan execution: a router over a cheap and a
// strong fake model, built with WithFallback, sends four requests while the
// cheap model misbehaves:
//
//  1. a rate limit without a Retry-After hint: the router backs off and
//     retries the same model, which then answers;
//  2. a rate limit asking to wait longer than the router's MaxRetryWait:
//     the router falls back to the strong model at once;
//  3. an overloaded model (503) three times in a row: two retries, then
//     the strong model;
//  4. a refusal: the verifier (DefaultVerifier) rejects it and the
//     request escalates to the strong model. (An empty answer would not
//     reach the verifier: with WithFallback it fails like a 5xx and is
//     retried; see Fallback.AllowEmptyAnswers.)
//
// The backoff is a few milliseconds so the program finishes at once. For
// each request it prints who answered and every attempt.
//
//	go run ./examples/fallback
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/tmc/langchaingo/llms"
)

func main() {
	if err := run(os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// errRateLimitNoHint is a 429 that does not say how long to wait, so the
// router's own backoff decides.
var errRateLimitNoHint = errors.New("API returned unexpected status code: 429: Rate limit reached for requests")

func run(w io.Writer) error {
	cheapCard := llmrouter.ModelCard{Name: "mini", InputPerMTok: 0.15, OutputPerMTok: 0.60, ContextWindow: 128000, Quality: 0.72}
	strongCard := llmrouter.ModelCard{Name: "large", InputPerMTok: 2.50, OutputPerMTok: 10, ContextWindow: 128000, Quality: 0.90}

	// Each fake provider plays its script, one response per call.
	cheap := routertest.NewProvider(cheapCard,
		// request 1: rate limited, then an answer on the retry
		routertest.Fail(errRateLimitNoHint),
		routertest.Response{Text: "Canberra.", InputTokens: 14, OutputTokens: 3},
		// request 2: rate limited with "Please try again in 20ms"
		routertest.Fail(routertest.ErrRateLimited),
		// request 3: overloaded on the first call and both retries
		routertest.Fail(routertest.ErrUnavailable),
		routertest.Fail(routertest.ErrUnavailable),
		routertest.Fail(routertest.ErrUnavailable),
		// request 4: an answer with no text
		routertest.Response{Text: "I'm sorry, but I can't help with that.", InputTokens: 12, OutputTokens: 10},
	)
	strong := routertest.NewProvider(strongCard,
		routertest.Response{Text: "A strong answer.", InputTokens: 14, OutputTokens: 40},
	)

	router, err := llmrouter.New(
		[]llmrouter.Provider{cheap, strong},
		llmrouter.WithFallback(llmrouter.Fallback{
			MaxRetries: 2,
			// Milliseconds rather than the default 250ms–10s, so the
			// example runs instantly. MaxRetryWait defaults to Backoff.Max:
			// a provider asking for a longer wait is not retried.
			Backoff:  llmrouter.Backoff{Base: time.Millisecond, Max: 5 * time.Millisecond},
			Verifier: llmrouter.DefaultVerifier, // empty answers, refusals, bad JSON, bad tool calls
			// A fixed jitter, so the printed delays are the same every run;
			// leave Rand nil in production.
			Rand: func() float64 { return 0.5 },
		}),
	)
	if err != nil {
		return err
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	prompts := []string{
		"What is the capital of Australia?",
		"What is the capital of Canada?",
		"What is the capital of Peru?",
		"What is the capital of Kenya?",
	}
	for i, p := range prompts {
		resp, err := router.GenerateContent(ctx, []llms.MessageContent{
			llms.TextParts(llms.ChatMessageTypeHuman, p),
		})
		if err != nil {
			return fmt.Errorf("request %d: %w", i+1, err)
		}
		d, _ := llmrouter.DecisionFrom(resp)
		fmt.Fprintf(w, "%d. %s\n   answered by %s after %d attempt(s): %q\n", i+1, p, d.Answered, len(d.Attempts), resp.Choices[0].Content)
		for _, a := range d.Attempts {
			fmt.Fprintf(w, "     %-5s %s\n", a.Model, outcome(a))
		}
	}
	return nil
}

// outcome summarises one attempt: how it ended and what the router did next.
func outcome(a llmrouter.Attempt) string {
	var s string
	switch {
	case a.Skipped != "":
		return "skipped: " + a.Skipped
	case a.Err != nil:
		s = "failed [" + string(a.Code) + "]"
	case a.Rejected != "":
		s = "rejected: " + a.Rejected
	default:
		s = "answered"
	}
	if a.Retry > 0 {
		s = fmt.Sprintf("retry %d: %s", a.Retry, s)
	}
	if a.Next != "" {
		s += " → " + a.Next
	}
	return s
}
