// Package routertest helps test code that uses llmrouter: fake providers
// with scripted answers, errors, token usage, latency and streams, a fake
// clock, and helpers for table tests of routing policies.
package routertest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/tmc/langchaingo/llms"
)

// Response scripts one answer of a fake provider.
type Response struct {
	// Text is the answer's content.
	Text string
	// Err, if set, is returned instead of an answer (after any Chunks).
	Err error
	// InputTokens and OutputTokens are the usage reported in
	// GenerationInfo (PromptTokens/CompletionTokens, as langchaingo's openai
	// client reports). Both zero means the response reports no usage.
	InputTokens, OutputTokens int
	// Latency advances the provider's clock, if it has one, before the
	// answer returns. Nothing sleeps.
	Latency time.Duration
	// Chunks are streamed to a StreamingFunc before the answer (or Err).
	// When the caller streams and Chunks is nil, Text is sent as one chunk.
	Chunks []string
	// ToolCalls are returned with the answer.
	ToolCalls []llms.ToolCall
	// Block makes the call wait until its context is done and return the
	// context's error: a hung provider.
	Block bool
	// Stall makes the call wait, after streaming Chunks, until its context
	// is done: a stream that stalls mid-way. A streaming call then returns
	// the chunks sent so far as a successful answer with a nil error, as
	// langchaingo's clients do when the context of a stream ends; a call
	// that does not stream returns the context's error.
	Stall bool
}

// Call is one call a fake provider received.
type Call struct {
	Messages []llms.MessageContent
	// Options are the call's options applied to a zero llms.CallOptions.
	Options llms.CallOptions
}

// Provider is a fake llmrouter.Provider (and llms.Model) that answers from
// a script. Each call takes the next scripted Response; when the script is
// used up, it repeats the last one (or answers "ok" if there was none).
// Safe for concurrent use.
type Provider struct {
	card  llmrouter.ModelCard
	clock *Clock

	mu     sync.Mutex
	script []Response
	last   Response
	calls  []Call
}

var (
	_ llmrouter.Provider = (*Provider)(nil)
	_ llms.Model         = (*Provider)(nil)
)

// NewProvider returns a fake provider described by card answering script.
func NewProvider(card llmrouter.ModelCard, script ...Response) *Provider {
	return &Provider{card: card, script: script, last: Response{Text: "ok"}}
}

// WithClock makes the provider's latencies advance c. It returns p.
func (p *Provider) WithClock(c *Clock) *Provider {
	p.clock = c
	return p
}

// Then appends responses to the script. It returns p.
func (p *Provider) Then(rs ...Response) *Provider {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.script = append(p.script, rs...)
	return p
}

// Card implements llmrouter.Provider.
func (p *Provider) Card() llmrouter.ModelCard { return p.card }

// Calls returns the calls received so far, in order.
func (p *Provider) Calls() []Call {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Call(nil), p.calls...)
}

// CallCount returns how many calls were received.
func (p *Provider) CallCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.calls)
}

// GenerateContent implements llmrouter.Provider and llms.Model.
func (p *Provider) GenerateContent(ctx context.Context, messages []llms.MessageContent, options ...llms.CallOption) (*llms.ContentResponse, error) {
	var opts llms.CallOptions
	for _, o := range options {
		if o != nil {
			o(&opts)
		}
	}
	p.mu.Lock()
	p.calls = append(p.calls, Call{Messages: messages, Options: opts})
	r := p.last
	if len(p.script) > 0 {
		r = p.script[0]
		p.script = p.script[1:]
		p.last = r
	}
	p.mu.Unlock()

	return play(ctx, r, &opts, p.clock)
}

// play acts out a scripted response for a call with options opts.
func play(ctx context.Context, r Response, opts *llms.CallOptions, clock *Clock) (*llms.ContentResponse, error) {
	if r.Block {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if clock != nil && r.Latency > 0 {
		clock.Advance(r.Latency)
	}
	chunks := r.Chunks
	if opts.StreamingFunc != nil {
		if chunks == nil && r.Err == nil {
			chunks = []string{r.Text}
		}
		for _, c := range chunks {
			if err := opts.StreamingFunc(ctx, []byte(c)); err != nil {
				return nil, err
			}
		}
	}
	if r.Stall {
		<-ctx.Done()
		if opts.StreamingFunc == nil {
			return nil, ctx.Err()
		}
		r.Text, r.Err = strings.Join(chunks, ""), nil // what was streamed
	}
	if r.Err != nil {
		return nil, r.Err
	}
	choice := &llms.ContentChoice{Content: r.Text, StopReason: "stop", ToolCalls: r.ToolCalls}
	if r.InputTokens != 0 || r.OutputTokens != 0 {
		choice.GenerationInfo = map[string]any{
			"PromptTokens":     r.InputTokens,
			"CompletionTokens": r.OutputTokens,
			"TotalTokens":      r.InputTokens + r.OutputTokens,
		}
	}
	return &llms.ContentResponse{Choices: []*llms.ContentChoice{choice}}, nil
}

// Call implements llms.Model.
func (p *Provider) Call(ctx context.Context, prompt string, options ...llms.CallOption) (string, error) {
	return llms.GenerateFromSinglePrompt(ctx, p, prompt, options...)
}

// ErrInjected is the default error of Fail.
var ErrInjected = errors.New("routertest: injected failure")

// Fail returns a Response that fails with err (ErrInjected if nil).
func Fail(err error) Response {
	if err == nil {
		err = ErrInjected
	}
	return Response{Err: err}
}
