package judge

import "context"

// Feedback receives a judge's grades: score in [0,1] (1 = acceptable) for
// the answer of decision id, with a note naming the judge and its grade.
// *decisionlog.Log satisfies it, so grades go to the durable log by
// decision id; FeedbackFunc adapts anything else (for instance
// llmrouter.FeedbackLog's Feedback). It is called from the judge's workers,
// so it must be safe for concurrent use; ctx ends when the judge's Timeout
// passes or Close gives up waiting.
type Feedback interface {
	Feedback(ctx context.Context, id string, score float64, note string) error
}

// FeedbackFunc adapts a function to the Feedback interface.
type FeedbackFunc func(ctx context.Context, id string, score float64, note string) error

// Feedback calls fn(ctx, id, score, note).
func (fn FeedbackFunc) Feedback(ctx context.Context, id string, score float64, note string) error {
	return fn(ctx, id, score, note)
}
