package llmrouter

import (
	"context"
	"fmt"
	"log"
	"runtime/debug"
)

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

// startCall runs the policy's call starters ss for d, in order (see
// startAll); when one refuses the call, d.Err is its error.
func (r *Router) startCall(ctx context.Context, d *Decision, ss []callStarter) ([]func(*Decision), error) {
	done, err := startAll(ctx, ss, d, hintsFromContext(ctx)) // as given: d.Hints.User may be redacted
	if err != nil {
		d.Err = err
		finishCall(done, d) // never reached by the failed starter: the ones before it release
		return nil, err
	}
	return done, nil
}

// startAll runs ss for d, in order, and returns the done functions of
// those that started. When one refuses the call it stops there and
// returns the ones started so far with its error, for the caller to
// finish with the failed decision, so that what they reserved is
// released.
func startAll(ctx context.Context, ss []callStarter, d *Decision, h Hints) ([]func(*Decision), error) {
	var done []func(*Decision)
	for _, s := range ss {
		fn, err := startOne(ctx, s, d, h)
		if err != nil {
			return done, err
		}
		if fn != nil {
			done = append(done, fn)
		}
	}
	return done, nil
}

// StartCall runs the call starters among the chain's policies, in order,
// and finishes them last first, so that a value holding a chain (a
// hotswap holder) can hand the call to them: New looks through a chain it
// is given, never through a holder. When one refuses the call, the ones
// before it are finished with d, its Err set to the refusal.
func (c chain) StartCall(ctx context.Context, d *Decision, h Hints) (func(*Decision), error) {
	ss := starters(c, nil)
	if len(ss) == 0 {
		return nil, nil
	}
	done, err := startAll(ctx, ss, d, h)
	if err != nil {
		d.Err = err
		finishCall(done, d)
		return nil, err
	}
	if len(done) == 0 {
		return nil, nil
	}
	return func(d *Decision) { finishCall(done, d) }, nil
}

// startOne runs s's StartCall, turning a panic into an error naming the
// stage (as a panic in Apply is).
func startOne(ctx context.Context, s callStarter, d *Decision, h Hints) (fn func(*Decision), err error) {
	defer func() {
		if v := recover(); v != nil {
			fn, err = nil, fmt.Errorf("llmrouter: policy: %w", recovered(fmt.Sprintf("StartCall of %T", s), v))
		}
	}()
	return s.StartCall(ctx, d, h)
}

// finishCall hands the finished decision to the starters, last first. A
// panic in one is logged, as a sink's is, and the others still run.
func finishCall(done []func(*Decision), d *Decision) {
	for i := len(done) - 1; i >= 0; i-- {
		finishOne(done[i], d)
	}
}

func finishOne(fn func(*Decision), d *Decision) {
	defer func() {
		if v := recover(); v != nil {
			log.Printf("llmrouter: a policy's StartCall hook panicked on finished decision %s: %v\n%s", d.ID, v, debug.Stack())
		}
	}()
	fn(d)
}
