package routertest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"sync"

	"github.com/llmrouter/llmrouter"
	"github.com/tmc/langchaingo/llms"
)

// Fault is one kind of injected failure: what a faulty provider does
// instead of answering.
type Fault struct {
	// Name labels the fault in counts.
	Name string
	// Weight is the fault's share among the injector's faults (relative;
	// zero counts as 1; NaN, infinite or negative makes InjectFaults panic).
	Weight float64
	// Response is acted out instead of the real answer (its Err, Block,
	// Chunks, Text, …, as for a scripted Provider).
	Response Response
}

// Provider error texts as langchaingo's clients really return them, for
// faults and scripts.
var (
	// ErrRateLimited is an OpenAI 429 whose text carries a Retry-After hint
	// of 20ms.
	ErrRateLimited = errors.New("API returned unexpected status code: 429: Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20ms.")
	// ErrServer is an OpenAI 500.
	ErrServer = errors.New("API returned unexpected status code: 500: The server had an error while processing your request. Sorry about that!")
	// ErrUnavailable is an OpenAI 503.
	ErrUnavailable = errors.New("API returned unexpected status code: 503: The engine is currently overloaded, please try again later.")
	// ErrContextLength is an OpenAI context-length 400.
	ErrContextLength = errors.New("API returned unexpected status code: 400: This model's maximum context length is 8192 tokens. However, your messages resulted in 9216 tokens. Please reduce the length of the messages.")
	// ErrUnauthorized is an OpenAI 401.
	ErrUnauthorized = errors.New("API returned unexpected status code: 401: Incorrect API key provided: sk-test. You can find your API key at https://platform.openai.com/account/api-keys.")
	// ErrContentFilter is an Azure OpenAI content-filter 400.
	ErrContentFilter = errors.New("API returned unexpected status code: 400: The response was filtered due to the prompt triggering Azure OpenAI's content management policy.")
	// ErrQuota is an OpenAI insufficient_quota 429.
	ErrQuota = errors.New("API returned unexpected status code: 429: You exceeded your current quota, please check your plan and billing details.")
	// ErrStreamCut is the error of a stream whose connection dropped after
	// a chunk (the openai client's, wrapping io.ErrUnexpectedEOF).
	ErrStreamCut = fmt.Errorf("error reading streaming response: %w", io.ErrUnexpectedEOF)
)

// MixedFaults are faults of every common kind, weighted roughly as seen in
// production: mostly rate limits and 5xx, some timeouts (hangs, for an
// attempt timeout to end), context-length and content-filter errors, a few
// authentication failures, streams cut after a chunk, and empty answers.
//
// By name:
//   - rate_limit, server_500, unavailable_503, context_length,
//     content_filter, quota, auth_401: the call fails with ErrRateLimited,
//     ErrServer, … (langchaingo's error texts).
//   - hang: the call blocks until its context ends and returns its error.
//   - stream_cut: a streaming call sends "partial " then fails with
//     ErrStreamCut (a dropped connection).
//   - stall_after_chunk: a streaming call sends "partial ", stalls until
//     its context ends, then returns "partial " as a successful answer with
//     a nil error, as langchaingo's clients do; a call that does not stream
//     hangs (see Response.Stall). An answer that came back after its
//     context ended is truncated, never a success.
//   - empty_answer: a successful answer of white space only (" ").
//   - empty_content: a successful answer whose content is "" with no tool
//     calls (what a 200 whose body is not an event stream becomes).
var MixedFaults = []Fault{
	{Name: "rate_limit", Weight: 30, Response: Response{Err: ErrRateLimited}},
	{Name: "server_500", Weight: 20, Response: Response{Err: ErrServer}},
	{Name: "unavailable_503", Weight: 15, Response: Response{Err: ErrUnavailable}},
	{Name: "hang", Weight: 2, Response: Response{Block: true}},
	{Name: "context_length", Weight: 8, Response: Response{Err: ErrContextLength}},
	{Name: "content_filter", Weight: 5, Response: Response{Err: ErrContentFilter}},
	{Name: "quota", Weight: 5, Response: Response{Err: ErrQuota}},
	{Name: "auth_401", Weight: 3, Response: Response{Err: ErrUnauthorized}},
	{Name: "stream_cut", Weight: 7, Response: Response{Chunks: []string{"partial "}, Err: ErrStreamCut}},
	{Name: "empty_answer", Weight: 5, Response: Response{Text: " "}},
	{Name: "stall_after_chunk", Weight: 4, Response: Response{Chunks: []string{"partial "}, Stall: true}},
	{Name: "empty_content", Weight: 3, Response: Response{Text: ""}},
}

// FaultInjector wraps a provider and makes a share of its calls fail with
// injected faults, picked by weight from a seeded source so runs repeat.
// Safe for concurrent use. Build it with InjectFaults: the zero value is
// not usable (its GenerateContent and Card panic saying so).
type FaultInjector struct {
	inner  llmrouter.Provider
	rate   float64
	faults []Fault
	total  float64

	mu     sync.Mutex
	rng    *rand.Rand
	counts map[string]int
	calls  int
	onCall func(ctx context.Context, fault string)
}

// InjectFaults returns p with a share rate (in [0,1]) of its calls failing
// with one of faults (MixedFaults when none are given), chosen by a PCG
// seeded with seed. A nil p, a rate outside [0,1] or NaN, a Fault.Weight
// that is NaN, infinite or negative, or a Fault.Name that is empty or
// repeated (Counts and OnCall tell faults apart by name) is a mistake in
// the test: InjectFaults panics with an error naming it, as
// httptest.NewRequest does on bad input.
func InjectFaults(p llmrouter.Provider, rate float64, seed uint64, faults ...Fault) *FaultInjector {
	if p == nil {
		panic(errors.New("routertest: InjectFaults: nil provider"))
	}
	if !(rate >= 0 && rate <= 1) {
		panic(fmt.Errorf("routertest: InjectFaults: rate %v: want a share in [0,1]", rate))
	}
	for i, ft := range faults {
		if !(ft.Weight >= 0) || math.IsInf(ft.Weight, 1) {
			panic(fmt.Errorf("routertest: InjectFaults: fault %d (%q): Weight %v: want a finite weight >= 0 (0 counts as 1)", i, ft.Name, ft.Weight))
		}
		if ft.Name == "" {
			panic(fmt.Errorf("routertest: InjectFaults: fault %d has no Name", i))
		}
		for j := range i {
			if faults[j].Name == ft.Name {
				panic(fmt.Errorf("routertest: InjectFaults: faults %d and %d are both named %q", j, i, ft.Name))
			}
		}
	}
	if len(faults) == 0 {
		faults = MixedFaults
	}
	f := &FaultInjector{inner: p, rate: rate, faults: faults, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), counts: map[string]int{}}
	for _, ft := range faults {
		f.total += weight(ft)
	}
	return f
}

func weight(f Fault) float64 {
	if f.Weight <= 0 {
		return 1
	}
	return f.Weight
}

// OnCall makes the injector call fn at the start of every call with the
// call's context and the name of the fault injected ("" when the call goes
// to the wrapped provider), so a test can tell which of its requests met a
// fault (carry the request's identity in a context value). fn is called
// concurrently and must be safe for that. Set it before the first call. It
// returns f.
func (f *FaultInjector) OnCall(fn func(ctx context.Context, fault string)) *FaultInjector {
	f.onCall = fn
	return f
}

// Card implements llmrouter.Provider.
func (f *FaultInjector) Card() llmrouter.ModelCard {
	f.mustBeBuilt()
	return f.inner.Card()
}

// mustBeBuilt panics for a FaultInjector InjectFaults did not make.
func (f *FaultInjector) mustBeBuilt() {
	if f.inner == nil {
		panic("routertest: FaultInjector not made by InjectFaults (its zero value is not usable)")
	}
}

// GenerateContent implements llmrouter.Provider: a fault, or the wrapped
// provider's answer.
func (f *FaultInjector) GenerateContent(ctx context.Context, messages []llms.MessageContent, options ...llms.CallOption) (*llms.ContentResponse, error) {
	f.mustBeBuilt()
	f.mu.Lock()
	f.calls++
	var fault *Fault
	if f.rng.Float64() < f.rate {
		x := f.rng.Float64() * f.total
		for i := range f.faults {
			x -= weight(f.faults[i])
			if x < 0 || i == len(f.faults)-1 {
				fault = &f.faults[i]
				break
			}
		}
		f.counts[fault.Name]++
	}
	f.mu.Unlock()
	if f.onCall != nil {
		name := ""
		if fault != nil {
			name = fault.Name
		}
		f.onCall(ctx, name)
	}
	if fault == nil {
		return f.inner.GenerateContent(ctx, messages, options...)
	}
	var opts llms.CallOptions
	for _, o := range options {
		if o != nil {
			o(&opts)
		}
	}
	return play(ctx, fault.Response, &opts, nil)
}

// Counts returns how many times each fault was injected.
func (f *FaultInjector) Counts() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string]int, len(f.counts))
	for k, v := range f.counts {
		out[k] = v
	}
	return out
}

// Calls returns how many calls the injector received.
func (f *FaultInjector) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// Echo is a provider that answers every call with "<name>: " followed by
// the text of the last message, streamed in two chunks when the caller
// streams, reporting usage of one token per word. It lets tests check that
// each answer belongs to its request. Safe for concurrent use.
type Echo struct {
	card  llmrouter.ModelCard
	mu    sync.Mutex
	calls int
}

// NewEcho returns an Echo provider described by card.
func NewEcho(card llmrouter.ModelCard) *Echo { return &Echo{card: card} }

// Card implements llmrouter.Provider.
func (e *Echo) Card() llmrouter.ModelCard { return e.card }

// CallCount returns how many calls were received.
func (e *Echo) CallCount() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.calls
}

// GenerateContent implements llmrouter.Provider.
func (e *Echo) GenerateContent(ctx context.Context, messages []llms.MessageContent, options ...llms.CallOption) (*llms.ContentResponse, error) {
	e.mu.Lock()
	e.calls++
	e.mu.Unlock()
	var opts llms.CallOptions
	for _, o := range options {
		if o != nil {
			o(&opts)
		}
	}
	var last string
	if n := len(messages); n > 0 {
		for _, p := range messages[n-1].Parts {
			if t, ok := p.(llms.TextContent); ok {
				last += t.Text
			}
		}
	}
	text := e.card.Name + ": " + last
	r := Response{Text: text, Chunks: []string{e.card.Name + ": ", last},
		InputTokens: len(strings.Fields(last)), OutputTokens: len(strings.Fields(text))}
	return play(ctx, r, &opts, nil)
}
