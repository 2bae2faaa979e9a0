package llmrouter

import (
	"context"
	"errors"
	"time"

	"github.com/tmc/langchaingo/llms"
)

var errPlanStopped = errors.New("llmrouter: plan stopped by another attempt's outcome")

// hedgeRun is one attempt running in its own goroutine.
type hedgeRun struct {
	id     int32
	cancel context.CancelCauseFunc
}

// runHedged executes the plan with hedging (see Hedge): attempts run in
// goroutines, each started when the previous one has been running for its
// hedge delay (or at once when one failed), up to 1+MaxExtra at a time. The
// first accepted answer wins; the others are cancelled and waited for, so
// no goroutine outlives the call. Only this goroutine touches the decision.
func (x *exec) runHedged() (*llms.ContentResponse, error) {
	d, fb := x.d, x.fb
	results := make(chan result, len(d.Plan)) // never blocks a finished attempt
	var live []hedgeRun
	next := 0
	var cooling []string
	var coolUntil time.Time
	called := false

	launch := func(hedged bool) (Step, bool) {
		for next < len(d.Plan) {
			step := &d.Plan[next]
			next++
			if reason := x.skipReason(step); reason != "" {
				x.skip(step, reason)
				continue
			}
			if reason := x.costReason(step, len(live), len(d.Plan)-next+1); reason != "" {
				if len(live) > 0 { // running attempts may spend less than reserved: try again when one ends
					x.skip(step, "hedge not started: "+reason)
					next--
					return Step{}, false
				}
				x.skip(step, reason)
				continue
			}
			if _, ok := x.admit(step, &cooling, &coolUntil); !ok {
				continue
			}
			called = true
			x.ids++
			id := x.ids
			x.reserveCost(id)
			hctx, cancel := context.WithCancelCause(x.ctx)
			live = append(live, hedgeRun{id: id, cancel: cancel})
			go func() { results <- x.call(hctx, step, id, 0, 0, hedged, time.Time{}) }()
			return *step, true
		}
		return Step{}, false
	}
	timerFor := func(step Step) <-chan time.Time {
		if len(live) >= 1+fb.hedge.MaxExtra || next >= len(d.Plan) || x.streamOwner() != 0 {
			return nil
		}
		if dl := fb.hedgeDelay(step.Index, x.r.models[step.Index]); dl > 0 {
			return fb.clock.After(dl)
		}
		return nil
	}
	finish := func(id int32) {
		for i, l := range live {
			if l.id == id {
				l.cancel(context.Canceled) // release the attempt's context
				live = append(live[:i], live[i+1:]...)
				return
			}
		}
	}
	// stop cancels every running attempt with cause and records each as it
	// returns. With keep, an attempt that still answered acceptably (it
	// finished before seeing the cancellation) is returned for the caller
	// to deliver: a good answer is never thrown away when there is no
	// other.
	stop := func(cause error, note string, keep bool) (good *result) {
		for _, l := range live {
			l.cancel(cause)
		}
		for len(live) > 0 {
			res := <-results
			finish(res.id)
			_, a := x.record(&res)
			switch {
			case a.Err == nil && a.Rejected == "" && keep && good == nil && (x.streamOwner() <= 0 || x.streamBuffered()):
				good = &res
			case a.Err == nil && (good != nil || cause == errHedgeLost):
				a.Next = "not used: another attempt answered first"
			case a.Err == nil:
				a.Next = "not used: " + note
			default:
				a.Next = note
			}
		}
		return good
	}

	var timer <-chan time.Time
	if step, ok := launch(false); ok {
		timer = timerFor(step)
	}
	var claimed <-chan struct{} // nil, never ready, unless the caller streams
	if x.stream != nil {
		claimed = x.stream.claimed
	}
	for len(live) > 0 {
		select {
		case res := <-results:
			finish(res.id)
			card := &x.r.models[res.step.Index]
			_, a := x.record(&res)
			if owner := x.streamOwner(); owner > 0 && owner != res.id && !x.streamBuffered() {
				// Another attempt's text already reached the caller: it
				// is the only one that can still win, and this one's
				// outcome (an answer, or an error whose action is stop)
				// must neither replace nor end it.
				switch {
				case a.Err == nil:
					a.Next = "not used: another attempt is streaming to the caller"
				case routerCanceled(a.Err):
					a.Next = "cancelled: another attempt is streaming to the caller"
				default:
					a.Next = "ignored: another attempt is streaming to the caller"
				}
				continue
			}
			if a.Err == nil && (a.Rejected == "" || x.streamedBy(res.id)) {
				if a.Rejected != "" {
					a.Next = "kept: the answer was already streamed to the caller"
				}
				if !x.streamedBy(res.id) && !x.sealStream() { // another's text reached the caller meanwhile
					a.Next = "not used: another attempt is streaming to the caller"
					continue
				}
				stop(errHedgeLost, "lost the hedge", false)
				return x.deliver(&res)
			}
			if a.Err == nil {
				a.Next = "escalate"
			} else {
				if err := x.ctx.Err(); err != nil {
					stop(err, "canceled by the caller", false) // the caller gave up
					return nil, x.canceled(err)
				}
				if routerCanceled(a.Err) { // the router's doing: no action
					a.Next = "cancelled: another attempt is streaming to the caller"
					continue
				}
				if x.streamedBy(res.id) {
					err := a.Err
					a.Next = "stop: the stream had started"
					stop(errPlanStopped, "stopped: the stream had started", false)
					return nil, fmtStreamStarted(card.Name, err)
				}
				act := fb.action(a.Code)
				if act == ActionRetry {
					act = ActionNext // hedging moves on rather than retrying
				}
				if act == ActionStop && !x.sealStream() { // another's text reached the caller meanwhile
					a.Next = "ignored: another attempt is streaming to the caller"
					continue
				}
				if x.afterFailure(act, a, card) {
					if good := stop(errPlanStopped, "stopped: another attempt's error stops the plan", true); good != nil {
						return x.deliver(good)
					}
					return nil, x.failed()
				}
			}
			if len(live) < 1+fb.hedge.MaxExtra && x.streamOwner() == 0 {
				if step, ok := launch(false); ok {
					timer = timerFor(step)
				}
			}
		case <-timer:
			timer = nil
			if len(live) < 1+fb.hedge.MaxExtra && x.streamOwner() == 0 {
				if step, ok := launch(true); ok {
					timer = timerFor(step)
				}
			}
		case <-claimed:
			// An attempt's text reached the caller: it is the only one
			// that can still win.
			claimed, timer = nil, nil
			owner := x.streamOwner()
			for _, l := range live {
				if l.id != owner {
					l.cancel(errNotStreamOwner)
				}
			}
		case <-x.ctx.Done():
			err := x.ctx.Err()
			stop(err, "canceled by the caller", false)
			return nil, x.canceled(err)
		}
	}
	if !called && len(cooling) > 0 && x.ctx.Err() == nil {
		now := fb.clock.Now()
		return nil, &CoolingDownError{Models: cooling, Until: coolUntil, RetryIn: coolUntil.Sub(now)}
	}
	return nil, x.failed()
}
