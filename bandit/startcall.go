package bandit

import (
	"context"

	"github.com/llmrouter/llmrouter"
)

// StartCall hands the call to the Base policy's StartCall hook, if it has
// one (a budget.Budget, or a Chain or DefaultPolicy holding one; see
// llmrouter.Policy), so that a policy acting around each call keeps doing
// so as the bandit's Base: llmrouter.New finds the hook through the bandit
// as it finds a Budget's. Safe for concurrent use.
func (p *Policy) StartCall(ctx context.Context, d *llmrouter.Decision, h llmrouter.Hints) (func(*llmrouter.Decision), error) {
	if err := p.built(); err != nil {
		return nil, err
	}
	if s, ok := p.base.(interface {
		StartCall(context.Context, *llmrouter.Decision, llmrouter.Hints) (func(*llmrouter.Decision), error)
	}); ok {
		return s.StartCall(ctx, d, h)
	}
	return nil, nil
}
