package llmrouter

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/tmc/langchaingo/llms"
)

// ErrStreamStarted is matched by the error of a streaming call that failed
// after text had reached the caller's StreamingFunc: the router does not
// fall back then, as the caller would see two answers spliced together.
var ErrStreamStarted = errors.New("llmrouter: stream failed after text was delivered")

// execute runs the plan: each step in order, the next on a provider error,
// never after the caller's own cancellation and never once streamed text
// has reached the caller.
func (r *Router) execute(ctx context.Context, d *Decision, messages []llms.MessageContent, options []llms.CallOption) (*llms.ContentResponse, error) {
	d.Attempts = make([]Attempt, 0, len(d.Plan))
	var caller llms.CallOptions
	for _, o := range options {
		if o != nil {
			o(&caller)
		}
	}
	var streamed atomic.Bool
	opts := make([]llms.CallOption, 0, len(options)+2)
	opts = append(opts, options...)
	base := len(opts)
	if caller.StreamingFunc != nil {
		user := caller.StreamingFunc
		opts = append(opts, llms.WithStreamingFunc(func(ctx context.Context, chunk []byte) error {
			if len(chunk) > 0 {
				streamed.Store(true)
			}
			return user(ctx, chunk)
		}))
		base = len(opts)
	}
	for _, step := range d.Plan {
		if err := ctx.Err(); err != nil {
			break
		}
		p := r.providers[step.Index]
		card := r.models[step.Index]
		callOpts := append(opts[:base:base], llms.WithModel(card.APIModel))
		start := r.now()
		resp, err := p.GenerateContent(ctx, messages, callOpts...)
		a := Attempt{Model: card.Name, Reason: step.Reason, Start: start, Latency: r.now().Sub(start)}
		if err == nil {
			err = checkResponse(resp)
		}
		a.Usage = r.usage(resp, &d.Features)
		a.Cost = card.Cost(a.Usage.InputTokens, a.Usage.OutputTokens)
		d.Usage.InputTokens += a.Usage.InputTokens
		d.Usage.OutputTokens += a.Usage.OutputTokens
		d.Usage.Estimated = d.Usage.Estimated || a.Usage.Estimated
		d.Cost += a.Cost
		if err == nil {
			d.Attempts = append(d.Attempts, a)
			d.Answered = card.Name
			return resp, nil
		}
		a.Code = errorCode(ctx, err)
		a.Err = fmt.Errorf("%s: %w", card.Name, err)
		d.Attempts = append(d.Attempts, a)
		if streamed.Load() {
			return nil, fmt.Errorf("%w: %s: %w", ErrStreamStarted, card.Name, err)
		}
	}
	if err := ctx.Err(); err != nil {
		if len(d.Attempts) == 0 {
			return nil, err
		}
		return nil, fmt.Errorf("llmrouter: %w (after %d attempt(s)): %w", err, len(d.Attempts), &AllFailedError{Attempts: d.Attempts})
	}
	return nil, &AllFailedError{Attempts: d.Attempts}
}

// usage returns the usage the response reports, or the router's estimate:
// the analyzed input tokens and the counted tokens of the answer.
func (r *Router) usage(resp *llms.ContentResponse, f *Features) Usage {
	if u, ok := usageFromResponse(resp); ok {
		return u
	}
	u := Usage{InputTokens: f.Tokens, Estimated: true}
	if resp != nil {
		for _, c := range resp.Choices {
			if c != nil {
				u.OutputTokens += r.counter.CountTokens(c.Content)
			}
		}
	}
	return u
}

func checkResponse(resp *llms.ContentResponse) error {
	if resp == nil {
		return errNilResponse
	}
	for _, c := range resp.Choices {
		if c != nil {
			return nil
		}
	}
	return ErrEmptyResponse
}

// errorCode classifies an attempt's error: the caller's own cancellation
// first, then any *llms.Error in the chain, then context errors.
func errorCode(ctx context.Context, err error) llms.ErrorCode {
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return llms.ErrCodeCanceled
	}
	var le *llms.Error
	if errors.As(err, &le) && le.Code != "" {
		return le.Code
	}
	switch {
	case errors.Is(err, context.Canceled):
		return llms.ErrCodeCanceled
	case errors.Is(err, context.DeadlineExceeded):
		return llms.ErrCodeTimeout
	}
	return llms.ErrCodeUnknown
}
