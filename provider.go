package llmrouter

import (
	"context"
	"fmt"
	"io"
	"math"
	"reflect"
	"strings"
	"time"

	"github.com/llmrouter/llmrouter/internal/usage"

	"github.com/tmc/langchaingo/llms"
)

// Capabilities is a set of things a model can do beyond plain text chat
// (Vision, Tools, JSONMode, Streaming: the built-in filter removes a model
// lacking one the request needs) and of things it is good at (Code, Math,
// Multilingual, LongContext: strengths, never required; CheapestAdequate
// prefers an adequate model with the strength the request calls for).
type Capabilities uint16

// The capabilities a ModelCard can declare.
const (
	// Vision: the model accepts image parts (llms.ImageURLContent, image
	// llms.BinaryContent).
	Vision Capabilities = 1 << iota
	// Tools: the model accepts tool definitions and returns tool calls.
	Tools
	// JSONMode: the model honours llms.WithJSONMode.
	JSONMode
	// Streaming: the model streams through llms.WithStreamingFunc.
	Streaming
	// Code: a strength, preferred for requests that look like code
	// (Features.Code >= 0.3) or that the classifier labels "code".
	Code
	// Math: a strength, preferred for mathematics (Features.Math >= 0.4,
	// or the label "math").
	Math
	// Multilingual: a strength, preferred for text outside the Latin
	// script or with at least 15% non-ASCII runes (or the label
	// "multilingual").
	Multilingual
	// LongContext: a strength, preferred for requests of at least 8,000
	// estimated input tokens (or the label "long-context"). The
	// context-window filter still applies on its own.
	LongContext
)

// Has reports whether every capability in want is in c.
func (c Capabilities) Has(want Capabilities) bool { return c&want == want }

// String lists the capabilities, e.g. "vision|tools|code"; "none" when empty.
func (c Capabilities) String() string {
	if c == 0 {
		return "none"
	}
	var parts []string
	for _, n := range capabilityNames {
		if c.Has(n.c) {
			parts = append(parts, n.name)
		}
	}
	return strings.Join(parts, "|")
}

// ModelCard describes a model to the router: what it costs, what it can do
// and how strong it is. The policy reads cards; it never calls a model to
// learn about it.
type ModelCard struct {
	// Name identifies the model inside the router (plan steps, decisions,
	// classifier outputs and rules refer to it). Required, unique per Router.
	Name string

	// APIModel is the model id sent to the backend with llms.WithModel.
	// Empty means no override: any model name the caller passed is cleared
	// and the wrapped client uses the model it was built with.
	APIModel string

	// InputPerMTok and OutputPerMTok are the prices in USD per million input
	// (prompt) and output (completion) tokens. Zero means free.
	InputPerMTok  float64
	OutputPerMTok float64

	// CachedInputPerMTok is the USD price per million input tokens read
	// from the provider's prompt cache (Usage.CachedInputTokens), and
	// CacheWritePerMTok per million written to it (Usage.CacheWriteTokens,
	// which Anthropic bills above the input price). Zero means the provider
	// bills them as ordinary input, at InputPerMTok: the cost is then an
	// upper bound where the provider discounts cache reads.
	CachedInputPerMTok float64
	CacheWritePerMTok  float64

	// ContextWindow is the most tokens (prompt + completion) the model takes.
	// Zero means unknown: the context-window filter lets it through.
	ContextWindow int

	// MaxOutputTokens is the most output tokens the model produces in one
	// answer. Zero means unknown: an output-token limit set to keep a
	// request within Hints.MaxCost is then at most DefaultOutputCapTokens,
	// which every current chat model accepts.
	MaxOutputTokens int

	// Capabilities the model has and its strengths (see Capabilities).
	// Zero means plain text only, no declared strength.
	Capabilities Capabilities

	// TypicalLatency is the usual time to a complete answer; the latency
	// filter compares it with the request's latency budget. Zero means
	// unknown: the filter lets it through.
	TypicalLatency time.Duration

	// Quality is the model's prior strength in [0,1]: the share of typical
	// requests it answers acceptably. Classifiers that predict a
	// model-agnostic difficulty rather than per-model quality use it to map
	// that difficulty d onto this model by a one-parameter item-response
	// model, P = σ(logit(Quality) − logit(d)), both clamped to
	// [0.01, 0.99]: a request of middling difficulty (0.5) is answered as
	// well as the model usually answers, and a stronger model always at
	// least as well as a weaker one. Zero means unknown: the router then
	// ranks models by price, dearer as stronger.
	Quality float64
}

// Cost returns the USD cost of a call with the given token counts, at
// InputPerMTok and OutputPerMTok. A negative count is read as 0 (as the
// router reads a provider's negative usage as not reported, see Usage), so
// the cost of a card New accepted is never negative; a large count costs
// what it says, so an estimate errs on the dear side.
func (c ModelCard) Cost(inputTokens, outputTokens int) float64 {
	return (float64(max(inputTokens, 0))*c.InputPerMTok + float64(max(outputTokens, 0))*c.OutputPerMTok) / 1e6
}

// usageCost returns the USD cost of a call's reported usage: cache reads
// and writes at their prices (InputPerMTok where the card has none), the
// rest of the input at InputPerMTok.
func (c ModelCard) usageCost(u Usage) float64 {
	read, write := c.CachedInputPerMTok, c.CacheWritePerMTok
	if read == 0 {
		read = c.InputPerMTok
	}
	if write == 0 {
		write = c.InputPerMTok
	}
	plain := max(u.InputTokens-u.CachedInputTokens-u.CacheWriteTokens, 0)
	return (float64(plain)*c.InputPerMTok + float64(u.CachedInputTokens)*read +
		float64(u.CacheWriteTokens)*write + float64(u.OutputTokens)*c.OutputPerMTok) / 1e6
}

// check reports the first number of the card that New rejects, naming the
// model and the field: prices that are negative or not finite (a +Inf
// price would make every cost estimate and budget check meaningless), a
// negative context window or typical latency, a quality outside [0,1].
func (c ModelCard) check() error {
	for _, p := range [...]struct {
		field string
		v     float64
	}{{"InputPerMTok", c.InputPerMTok}, {"OutputPerMTok", c.OutputPerMTok},
		{"CachedInputPerMTok", c.CachedInputPerMTok}, {"CacheWritePerMTok", c.CacheWritePerMTok}} {
		if p.v < 0 || math.IsNaN(p.v) || math.IsInf(p.v, 0) {
			return fmt.Errorf("llmrouter: model %q: prices must be finite, non-negative numbers: %s is %v", c.Name, p.field, p.v)
		}
	}
	switch {
	case c.ContextWindow < 0:
		return fmt.Errorf("llmrouter: model %q: negative ContextWindow %d", c.Name, c.ContextWindow)
	case c.MaxOutputTokens < 0:
		return fmt.Errorf("llmrouter: model %q: negative MaxOutputTokens %d", c.Name, c.MaxOutputTokens)
	case c.TypicalLatency < 0:
		return fmt.Errorf("llmrouter: model %q: negative TypicalLatency %s", c.Name, c.TypicalLatency)
	case c.Quality < 0 || c.Quality > 1 || math.IsNaN(c.Quality):
		return fmt.Errorf("llmrouter: model %q: Quality %v is outside [0,1]", c.Name, c.Quality)
	}
	return nil
}

// Provider is a model backend the router can call: a card and a way to
// generate. Implementations must be safe for concurrent use.
type Provider interface {
	// Card describes the model. It must return the same card every time.
	Card() ModelCard
	// GenerateContent calls the model, as llms.Model.GenerateContent. It
	// must return promptly once ctx is done.
	GenerateContent(ctx context.Context, messages []llms.MessageContent, options ...llms.CallOption) (*llms.ContentResponse, error)
}

// NewProvider adapts any langchaingo model to a Provider described by card.
// The model name option sent to m is set from card.APIModel (see
// ModelCard.APIModel); every other option passes through untouched.
// The result is as safe for concurrent use as m is. When m is nil or a nil
// pointer (a client whose constructor returned an error) every call fails
// with an error saying so; Route, which calls no model, works.
//
// When m is langchaingo's openai client (*openai.LLM itself, not a type
// wrapping it), a streamed answer with text or a tool call in it but no
// finish reason is an error
// wrapping io.ErrUnexpectedEOF, as a dropped connection is: that client
// reads a stream whose body ended cleanly before its last chunk (with the
// finish reason) and its "data: [DONE]" as a whole answer, so without this
// a truncated answer would pass for a complete one. OpenAI, and the
// OpenAI-compatible servers this was checked against, always send a
// finish reason; one that never does fails every streamed call through
// NewProvider (wrap the client in a Provider of your own to accept it).
// Anthropic's client needs no such check: it fails a stream that ends
// before message_stop itself.
//
// When m is langchaingo's ollama client (*ollama.LLM), an answer with no
// text, no tool call and no reasoning whose prompt and completion token
// counts are both zero is an error matching ErrEmptyResponse and wrapping
// io.ErrUnexpectedEOF (provider unavailable: retried, then the next
// model), with or without WithFallback: that is what the client returns,
// with a nil error, when the server sent no final ("done") line, the one
// that carries the counts: an error status with an empty body (the client
// reports a status only beside a line of body, so the status is lost),
// an empty 200, or a stream cut short (whose streamed text the client
// drops). A final line always counts the prompt tokens ollama evaluated,
// so an empty completion the server did send stays an answer.
func NewProvider(card ModelCard, m llms.Model) Provider {
	return &modelProvider{card: card, model: m, nilModel: isNil(m), client: clientOf(m)}
}

// A client whose answers NewProvider checks.
const (
	otherClient  uint8 = iota
	openaiClient       // a streamed answer must have a finish reason
	ollamaClient       // an answer must come from a final line
)

// clientOf says which langchaingo client m is, by its type's package path
// (importing the packages would put the clients in every program that
// uses the router).
func clientOf(m llms.Model) uint8 {
	t := reflect.TypeOf(m)
	if t == nil || t.Kind() != reflect.Pointer || t.Elem().Name() != "LLM" {
		return otherClient
	}
	switch t.Elem().PkgPath() {
	case "github.com/tmc/langchaingo/llms/openai":
		return openaiClient
	case "github.com/tmc/langchaingo/llms/ollama":
		return ollamaClient
	}
	return otherClient
}

// isNil reports whether v is nil or an interface holding a nil pointer (a
// client whose constructor failed: every call on it would panic).
func isNil(v any) bool {
	if v == nil {
		return true
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.Interface:
		return rv.IsNil()
	}
	return false
}

type modelProvider struct {
	card     ModelCard
	model    llms.Model
	nilModel bool  // calling it would panic
	client   uint8 // openaiClient, ollamaClient: its answers are checked (see NewProvider)
}

func (p *modelProvider) Card() ModelCard { return p.card }

func (p *modelProvider) GenerateContent(ctx context.Context, messages []llms.MessageContent, options ...llms.CallOption) (*llms.ContentResponse, error) {
	if p.nilModel {
		return nil, fmt.Errorf("llmrouter: model %q: NewProvider was given a nil llms.Model (did the client's constructor fail?)", p.card.Name)
	}
	resp, err := p.model.GenerateContent(ctx, messages, options...)
	if err != nil || p.client == otherClient || ctx.Err() != nil {
		// With ctx ended the answer is truncated too, but the router says
		// why (its own timeout, a hedge's cancellation, the caller's).
		return resp, err
	}
	switch {
	case p.client == openaiClient && streamCut(resp, options):
		return nil, fmt.Errorf("llmrouter: model %q: the stream ended without a finish reason (no last chunk, no [DONE]): the answer is truncated: %w",
			p.card.Name, io.ErrUnexpectedEOF)
	case p.client == ollamaClient && ollamaNoAnswer(resp):
		return nil, fmt.Errorf("llmrouter: model %q: the ollama client returned no answer and no error: the server sent no final (done) line "+
			"(an error status with an empty body, an empty body, or a stream cut short): %w (%w)", p.card.Name, ErrEmptyResponse, io.ErrUnexpectedEOF)
	}
	return resp, nil
}

// ollamaNoAnswer reports whether resp is what langchaingo's ollama client
// returns when it read no final line: one choice with no text, tool call
// or reasoning, and zero prompt and completion tokens.
func ollamaNoAnswer(resp *llms.ContentResponse) bool {
	if resp == nil || len(resp.Choices) != 1 || resp.Choices[0] == nil {
		return false // the router's answer check names these
	}
	c := resp.Choices[0]
	if c.Content != "" || c.ReasoningContent != "" || len(c.ToolCalls) > 0 || c.FuncCall != nil {
		return false
	}
	in, _ := c.GenerationInfo["PromptTokens"].(int)
	out, _ := c.GenerationInfo["CompletionTokens"].(int)
	return in == 0 && out == 0
}

// streamCut reports whether resp is a streamed answer (options stream)
// with something in it but no finish reason in any choice. An empty one
// is left to the router's answer check, which names it empty.
func streamCut(resp *llms.ContentResponse, options []llms.CallOption) bool {
	if resp == nil || isEmptyAnswer(resp) {
		return false
	}
	for _, c := range resp.Choices {
		if c != nil && c.StopReason != "" {
			return false
		}
	}
	var o llms.CallOptions
	for _, opt := range options {
		opt(&o)
	}
	return o.StreamingFunc != nil || o.StreamingReasoningFunc != nil
}

// Usage is the token usage of one call.
//
// The router reads it from the response's GenerationInfo once per response,
// not per choice: PromptTokens/CompletionTokens (openai, ollama) or
// InputTokens/OutputTokens (anthropic), from the first choice that carries
// them. langchaingo's clients copy the whole response's usage onto every
// choice (a Claude text block and a tool_use block, or the n choices of
// llms.WithN), so summing would count it several times. A custom Provider
// should do the same: put the whole response's usage on every choice, or
// on the first only; never split it between choices. A count that is
// negative, not finite or above 2^40 (an int's largest on 32-bit
// platforms) is read as not reported, so that a bad answer cannot make a
// cost negative (a budget would credit it); so is a report of zero input
// and zero output tokens, which is what langchaingo's openai and anthropic
// clients report when the server sent no usage: the router then estimates
// (Estimated), rather than recording a free answer.
type Usage struct {
	// InputTokens counts every input token, cached or not (Anthropic
	// reports cache reads and writes apart from input_tokens; the router
	// adds them in, so InputTokens means the same for every provider).
	InputTokens  int
	OutputTokens int
	// CachedInputTokens are the input tokens read from the provider's
	// prompt cache (openai PromptCachedTokens, anthropic
	// CacheReadInputTokens), CacheWriteTokens those written to it
	// (anthropic CacheCreationInputTokens); both are part of InputTokens
	// and priced by ModelCard.CachedInputPerMTok and CacheWritePerMTok.
	CachedInputTokens int
	CacheWriteTokens  int
	// Estimated is true when the response did not report usage and the
	// counts come from the router's own token estimate.
	Estimated bool
}

// usageFromResponse reads the token usage a langchaingo response reports,
// once per response (see Usage): from the first choice that reports any.
// ok is false when no choice reports usage.
func usageFromResponse(resp *llms.ContentResponse) (Usage, bool) {
	c, ok := usage.Read(resp)
	return Usage{InputTokens: c.Input, OutputTokens: c.Output, CachedInputTokens: c.CachedInput, CacheWriteTokens: c.CacheWrite}, ok
}
