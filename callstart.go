package llmrouter

import "context"

// callStarter is the optional interface of a Policy that acts around each
// call (see Policy): a spend budget reserves before the call and charges
// the real cost after it. It is looked for in New, through Chain and
// DefaultPolicy.
type callStarter interface {
	StartCall(ctx context.Context, d *Decision, h Hints) (done func(*Decision), err error)
}

// starters returns the call starters among p and the policies it chains,
// in order.
func starters(p Policy, dst []callStarter) []callStarter {
	if c, ok := p.(chain); ok {
		for _, q := range c {
			dst = starters(q, dst)
		}
		return dst
	}
	if s, ok := p.(callStarter); ok {
		dst = append(dst, s)
	}
	return dst
}

// startCall runs the policy's call starters for d, in order. When one
// refuses the call, the ones that had started are finished with d, so
// that what they reserved is released, and its error is returned.
func (r *Router) startCall(ctx context.Context, d *Decision) ([]func(*Decision), error) {
	h := hintsFromContext(ctx) // as given: d.Hints.User may be redacted
	var done []func(*Decision)
	for _, s := range r.starters {
		fn, err := s.StartCall(ctx, d, h)
		if err != nil {
			d.Err = err
			finishCall(done, d)
			return nil, err
		}
		if fn != nil {
			done = append(done, fn)
		}
	}
	return done, nil
}

// finishCall hands the finished decision to the starters, last first.
func finishCall(done []func(*Decision), d *Decision) {
	for i := len(done) - 1; i >= 0; i-- {
		done[i](d)
	}
}
