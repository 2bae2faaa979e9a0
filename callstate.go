package llmrouter

import (
	"context"
	"maps"

	"github.com/tmc/langchaingo/llms"
)

// A call's execution state is in two parts. What may outlive the call is
// a callState, allocated for each call and never reused: the first
// attempt's hint slot, which the provider was handed as its context and
// may keep, and the router's copy of the returned response. The rest, the
// exec, lives on GenerateContent's stack (see exec for what keeps it
// there).

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

// verifyState is what a call under a verifier hands it, which it may
// keep: the caller's options (Answer.Options) and the first attempt's
// Answer, in one allocation with the call's callState.
type verifyState struct {
	st      callState
	caller  llms.CallOptions
	answer0 Answer
}

// newExec returns an exec on the heap for one call of r, begun.
func (r *Router) newExec(ctx context.Context, d *Decision, messages []llms.MessageContent, options []llms.CallOption) *exec {
	x := &exec{r: r, fb: r.fb}
	x.begin(ctx, d, messages, options)
	return x
}

// begin sets the call's decision and request in x and gives it a fresh
// callState, under a verifier within a verifyState (run fills in its
// options).
func (x *exec) begin(ctx context.Context, d *Decision, messages []llms.MessageContent, options []llms.CallOption) {
	if x.fb.verifier != nil {
		v := new(verifyState)
		x.st, x.answerOpts, x.answer0 = &v.st, &v.caller, &v.answer0
	} else {
		x.st = new(callState)
	}
	x.d, x.ctx, x.messages, x.options = d, ctx, messages, options
}

// annotate returns a copy of resp whose choices carry the decision in
// fresh GenerationInfo maps: the provider's own maps are never written,
// as a provider may share them between responses. A one-choice response
// (the usual case) is copied into the call's callState.
func (x *exec) annotate(resp *llms.ContentResponse) *llms.ContentResponse {
	d := x.d
	var model any
	if i := x.answered - 1; i >= 0 && x.r.models[i].Name == d.Answered {
		model = x.fb.modelNames[i] // boxed once, in New
	} else {
		for i, m := range x.r.models {
			if m.Name == d.Answered {
				model = x.fb.modelNames[i]
				break
			}
		}
	}
	if model == nil {
		model = d.Answered
	}
	st := x.st
	var id, cost any = d.ID, d.Cost // boxed once for every choice
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
		info[InfoDecisionID] = id
		info[InfoModel] = model
		info[InfoCostUSD] = cost
		cc.GenerationInfo = info
		out.Choices = append(out.Choices, cc)
	}
	return out
}
