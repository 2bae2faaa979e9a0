package llmrouter

import (
	"context"
	"fmt"
	"math"
	"time"
)

// Hints are the per-request facts the router routes by beyond the messages:
// who asks, on which tier, under what limits. They travel in the context
// (WithHints), never in llms.CallOptions.Metadata, which some langchaingo
// clients forward to the model API. The zero value asks for nothing: no
// user, the filter's default tier, no cost or latency limit.
type Hints struct {
	// User identifies the end user, for decisions and feedback. Optional.
	// Decisions record it verbatim unless the router was built
	// WithUserRedaction; policies always see it as given.
	User string
	// Tier is the user's plan ("free", "pro", …); the TierFilter restricts
	// models by it. Empty means the filter's default tier.
	Tier string
	// Tags are free-form labels recorded with the decision.
	Tags []string
	// MaxCost is the most this request may cost in USD, over all its
	// attempts together (retries, fallbacks, escalations and concurrent
	// hedges). Zero means no limit; negative, NaN or infinite fails the
	// request. DefaultPolicy's budget filter removes models whose
	// estimate exceeds it; during the call the router reserves each
	// attempt's cost before starting it and starts none the remaining
	// budget cannot pay for (see CostCap). Input tokens are the router's
	// estimate; output tokens are the caller's MaxTokens or, when unset,
	// the limit the router puts on the attempt (see UncappedOutput).
	MaxCost float64
	// UncappedOutput turns off the output-token limit the router sets on
	// each attempt when MaxCost is set and the caller set no MaxTokens:
	// llms.WithMaxTokens at what the remaining budget pays for at the
	// model's prices after input, at most the card's MaxOutputTokens
	// (DefaultOutputCapTokens when unknown); with hedging on, the budget
	// is shared between the attempts that may run at once. With it set,
	// answers are never cut short by the cap, but an attempt reserves only
	// its estimate (DefaultExpectedOutputTokens of output), so a long
	// answer can cost more than MaxCost. It is a hint, not a router
	// option, because MaxCost itself is per request and some requests
	// (code, structured output) would rather pay than be truncated.
	UncappedOutput bool
	// LatencyBudget is the most time the answer may take; models whose
	// typical latency exceeds it are filtered out. Zero means no budget;
	// negative fails the request.
	LatencyBudget time.Duration
	// BufferStream buffers this request's streamed chunks per attempt and
	// delivers only the chunks of the answer the router returns, so that
	// fallback keeps working after a failed attempt has streamed text; it
	// is Fallback.BufferStreams for one request. Default false.
	BufferStream bool
}

type hintsKey struct{}

// WithHints returns a copy of ctx carrying h for the router's calls with
// ctx (policies see them as Routing.Hints). Later calls replace earlier
// hints wholesale. It keeps its own copy of h.Tags (allocated only when
// Tags is non-empty), so the caller may reuse its slice at once without
// changing the tags of decisions already made or still queued in a sink.
func WithHints(ctx context.Context, h Hints) context.Context {
	if len(h.Tags) > 0 {
		h.Tags = append([]string(nil), h.Tags...)
	}
	return context.WithValue(ctx, hintsKey{}, h)
}

// check rejects limits that would otherwise read as "no limit": a negative
// or NaN MaxCost (a remaining budget gone below zero), a negative
// LatencyBudget; and an infinite MaxCost, which would read as a cap.
func (h *Hints) check() error {
	if !(h.MaxCost >= 0) || math.IsInf(h.MaxCost, 1) {
		return fmt.Errorf("llmrouter: Hints.MaxCost %v: want a finite USD amount >= 0 (0: no limit)", h.MaxCost)
	}
	if h.LatencyBudget < 0 {
		return fmt.Errorf("llmrouter: Hints.LatencyBudget %s: want >= 0 (0: no budget)", h.LatencyBudget)
	}
	return nil
}

// hintsFromContext returns the hints ctx carries, or the zero Hints.
func hintsFromContext(ctx context.Context) Hints {
	if ctx == nil {
		return Hints{}
	}
	h, _ := ctx.Value(hintsKey{}).(Hints)
	return h
}
