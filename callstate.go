package llmrouter

import (
	"context"
	"maps"
	"sync"

	"github.com/tmc/langchaingo/llms"
)

// A call's execution state is in two parts. What may outlive the call is
// a callState, allocated for each call and never reused: the first
// attempt's hint slot, which the provider was handed as its context and
// may keep, and the router's copy of the returned response. The rest, the
// exec, is taken from execPool and goes back when the call is over and
// nothing can reach it any more (exec.finish); else it is left to the
// collector.

// callState is the part of a call's state that may outlive the call.
type callState struct {
	slot0 hintSlot  // the first attempt's (exec.hintSlot)
	out   annotated // the returned response (exec.annotate)
}

// annotated is the router's copy of a response: its first choice needs no
// allocation of its own.
type annotated struct {
	resp   llms.ContentResponse
	ptrs   [1]*llms.ContentChoice
	choice llms.ContentChoice
}

// execPool holds execs no call can reach. An exec is about 500 bytes
// whose allocation and zeroing cost a plain call more than its own work
// on them.
var execPool = sync.Pool{New: func() any { return new(exec) }}

// execBlock is an exec that is never pooled, with its callState and the
// Answer its first attempt hands the verifier in the same allocation.
type execBlock struct {
	exec
	st      callState
	answer0 Answer
}

func (r *Router) newExec(ctx context.Context, d *Decision, messages []llms.MessageContent, options []llms.CallOption) *exec {
	x := r.takeExec()
	x.begin(ctx, d, messages, options)
	return x
}

// takeExec returns an exec for one call of r: from execPool, or a fresh
// execBlock under a verifier. GenerateContent takes it before routing, so
// that route applies the caller's options into it (exec.caller); begin
// readies it for the call, and finish ends its use.
func (r *Router) takeExec() *exec {
	var x *exec
	if r.fb != nil && r.fb.verifier != nil { // r.fb is nil in a zero Router, which route refuses
		// The verifier is handed x.caller (Answer.Options) and may keep it.
		b := new(execBlock)
		x = &b.exec
		x.st, x.answer0 = &b.st, &b.answer0
	} else {
		x = execPool.Get().(*exec)
		x.pooled = true
	}
	x.r, x.fb = r, r.fb
	return x
}

// begin sets the call's decision and request in x and gives a pooled x a
// fresh callState.
func (x *exec) begin(ctx context.Context, d *Decision, messages []llms.MessageContent, options []llms.CallOption) {
	if x.st == nil {
		x.st = new(callState)
	}
	x.d, x.ctx, x.messages, x.options = d, ctx, messages, options
}

// finish ends the call's use of x: the caller's messages and options are
// dropped, and x goes back to execPool unless something may still reach
// it. Every attempt has returned (runHedged waits for its goroutines), so
// only a streaming attempt's callback, which a provider may call after
// returning (streamSink), and a verifier's Answer can: those execs are
// never pooled.
func (x *exec) finish() {
	if !x.pooled || x.user != nil {
		x.messages, x.options = nil, nil
		return
	}
	held := x.cost.held[:0]
	if cap(held) > 8 {
		held = nil
	}
	*x = exec{}
	x.cost.held = held
	execPool.Put(x)
}

// annotate returns a copy of resp whose choices carry the decision in
// fresh GenerationInfo maps: the provider's own maps are never written,
// as a provider may share them between responses. A one-choice response
// (the usual case) is copied into the call's callState.
func (x *exec) annotate(resp *llms.ContentResponse) *llms.ContentResponse {
	d := x.d
	var model any
	for i, m := range x.r.models {
		if m.Name == d.Answered {
			model = x.fb.modelNames[i] // boxed once, in New
			break
		}
	}
	if model == nil {
		model = d.Answered
	}
	st := x.st
	out := &st.out.resp
	if n := len(resp.Choices); n <= len(st.out.ptrs) {
		out.Choices = st.out.ptrs[:0]
	} else {
		out.Choices = make([]*llms.ContentChoice, 0, n)
	}
	for _, c := range resp.Choices {
		if c == nil {
			continue
		}
		cc := &st.out.choice
		if len(out.Choices) > 0 {
			cc = new(llms.ContentChoice)
		}
		*cc = *c
		var info map[string]any
		if len(c.GenerationInfo) <= 4 {
			info = maps.Clone(c.GenerationInfo) // a small map's group is copied whole: no rehashing
		}
		if info == nil {
			info = make(map[string]any, len(c.GenerationInfo)+4)
			for k, v := range c.GenerationInfo {
				info[k] = v
			}
		}
		info[InfoDecision] = d
		info[InfoDecisionID] = d.ID
		info[InfoModel] = model
		info[InfoCostUSD] = d.Cost
		cc.GenerationInfo = info
		out.Choices = append(out.Choices, cc)
	}
	return out
}
