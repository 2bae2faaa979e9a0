package llmrouter

import (
	"context"
	"time"
)

// Hints are the per-request facts the router routes by beyond the messages:
// who asks, on which tier, under what limits. They travel in the context
// (WithHints), never in llms.CallOptions.Metadata, which some langchaingo
// clients forward to the model API.
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
	// MaxCost is the most this request may cost in USD, by the router's
	// estimate. Zero means no limit.
	MaxCost float64
	// LatencyBudget is the most time the answer may take; models whose
	// typical latency exceeds it are filtered out. Zero means no budget.
	LatencyBudget time.Duration
}

type hintsKey struct{}

// WithHints returns a copy of ctx carrying h; the router reads them with
// HintsFromContext. Later calls replace earlier hints wholesale.
func WithHints(ctx context.Context, h Hints) context.Context {
	return context.WithValue(ctx, hintsKey{}, h)
}

// HintsFromContext returns the hints ctx carries, or the zero Hints.
func HintsFromContext(ctx context.Context) Hints {
	if ctx == nil {
		return Hints{}
	}
	h, _ := ctx.Value(hintsKey{}).(Hints)
	return h
}
