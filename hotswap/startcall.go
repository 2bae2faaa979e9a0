package hotswap

import (
	"context"

	"github.com/llmrouter/llmrouter"
)

// callStarter is the optional StartCall method of a policy that acts
// around each call (see llmrouter.Policy; budget.Budget has one, and so
// does a Chain or DefaultPolicy holding one).
type callStarter interface {
	StartCall(ctx context.Context, d *llmrouter.Decision, h llmrouter.Hints) (func(*llmrouter.Decision), error)
}

// startCall hands the call to p's StartCall, if p has one.
func startCall(ctx context.Context, p llmrouter.Policy, d *llmrouter.Decision, h llmrouter.Hints) (func(*llmrouter.Decision), error) {
	if s, ok := p.(callStarter); ok {
		return s.StartCall(ctx, d, h)
	}
	return nil, nil
}

// StartCall runs the StartCall method of the current policy, if it has
// one (a budget.Budget, or a Chain or DefaultPolicy holding one), so that
// a policy that reserves and charges around each call keeps doing so
// behind the holder. llmrouter.New finds it as it finds a Budget's. The
// policy current when the call starts is the one asked; a Swap between a
// request's planning and its call reaches only this step. Safe for
// concurrent use.
func (h *Policy) StartCall(ctx context.Context, d *llmrouter.Decision, hints llmrouter.Hints) (func(*llmrouter.Decision), error) {
	return startCall(ctx, h.box().p, d, hints)
}

// StartCall runs the StartCall method of the current pair's policy, if it
// has one (see Policy.StartCall). A router given the pair as both its
// classifier and its policy does not call it: it runs the hooks of the
// policy the request was planned with (from Stages), so a Swap between a
// request's planning and its call does not reach that request.
func (h *Pair) StartCall(ctx context.Context, d *llmrouter.Decision, hints llmrouter.Hints) (func(*llmrouter.Decision), error) {
	return startCall(ctx, h.box().p, d, hints)
}
