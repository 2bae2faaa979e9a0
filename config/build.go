package config

import (
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/budget"
	"github.com/llmrouter/llmrouter/catalog"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/llmrouter/llmrouter/verify"
	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/anthropic"
	"github.com/tmc/langchaingo/llms/ollama"
	"github.com/tmc/langchaingo/llms/openai"
)

// BuildOptions are what Build needs beyond the file. The zero value reads
// the process environment and uses http.DefaultTransport.
type BuildOptions struct {
	// LookupEnv reads the variables named by api_key_env; nil means
	// os.LookupEnv.
	LookupEnv func(string) (string, bool)
	// Transport carries the clients' requests, under
	// llmrouter.RetryAfterTransport; nil means http.DefaultTransport.
	Transport http.RoundTripper
	// Fake replaces every model's client with a fake that answers
	// "(a fake answer from NAME)" after its typical latency: for dry runs
	// (llmrouter explain) that never call a model and need no keys.
	Fake bool
	// Clock is what fake providers advance by their latency; nil means a
	// fake clock of their own. Pass the same clock to the router with
	// llmrouter.WithClock in Options to see the latencies in decisions.
	Clock *routertest.Clock
	// Options are passed to llmrouter.New after the file's own (a
	// WithPolicy or WithFallback here replaces the file's).
	Options []llmrouter.Option
}

// Cards returns the models' cards: the file's fields, with the empty ones
// filled from the catalog when the API model is a known one (unless the
// model sets catalog: false).
func (f *File) Cards() []llmrouter.ModelCard {
	cards := make([]llmrouter.ModelCard, len(f.Models))
	for i, m := range f.Models {
		c := llmrouter.ModelCard{
			Name: m.Name, APIModel: m.apiModel(),
			InputPerMTok: m.PriceIn, OutputPerMTok: m.PriceOut,
			CachedInputPerMTok: m.PriceCachedIn, CacheWritePerMTok: m.PriceCacheWrite,
			ContextWindow: m.ContextWindow, MaxOutputTokens: m.MaxOutput,
			Capabilities: m.Capabilities, TypicalLatency: m.TypicalLatency, Quality: m.Quality,
		}
		if e, ok := catalog.Lookup(c.APIModel); ok && (m.Catalog == nil || *m.Catalog) {
			c = e.Fill(c)
		}
		cards[i] = c
	}
	return cards
}

func (m Model) apiModel() string {
	if m.APIModel != "" {
		return m.APIModel
	}
	return m.Name
}

// RoutingPolicy returns the routing policy the file declares: llmrouter's
// built-in filters, the budget and the tier filter if any, then the
// selection rule. Each call makes a fresh budget (totals at zero); a
// budget that cannot be built (only a File not from Load or Parse) makes
// a policy that refuses every request with the reason.
func (f *File) RoutingPolicy() llmrouter.Policy {
	b, err := f.budget()
	if err != nil {
		return llmrouter.PolicyFunc(func(*llmrouter.Routing) error { return err })
	}
	return f.routingPolicy(b)
}

func (f *File) routingPolicy(b *budget.Budget) llmrouter.Policy {
	var rules []llmrouter.Policy
	if t := f.Tiers; t != nil {
		rules = append(rules, llmrouter.TierFilter{Tiers: t.Allow, Default: t.Default, Lenient: t.Lenient})
	}
	switch f.Policy.Rule {
	case "threshold":
		rules = append(rules, llmrouter.Threshold{Strong: f.Policy.Strong, Weak: f.Policy.Weak, Cutoff: f.Policy.Cutoff})
	default:
		rules = append(rules, llmrouter.CheapestAdequate{MinQuality: f.Policy.MinQuality, IgnoreStrengths: f.Policy.IgnoreStrengths})
	}
	return llmrouter.DefaultPolicy(withBudget(b, rules)...)
}

// FallbackSettings returns the llmrouter.Fallback the file declares, and
// false when it has no fallback section.
func (f *File) FallbackSettings() (llmrouter.Fallback, bool) {
	fb := f.Fallback
	if fb == nil {
		return llmrouter.Fallback{}, false
	}
	out := llmrouter.Fallback{
		Backoff:      llmrouter.Backoff{Base: fb.Backoff.Base, Max: fb.Backoff.Max, Multiplier: fb.Backoff.Multiplier},
		MaxRetryWait: fb.MaxRetryWait, AttemptTimeout: fb.AttemptTimeout,
		NoBreaker: fb.NoBreaker, WaitForCooldown: fb.WaitForCooldown,
		AllowEmptyAnswers: fb.AllowEmptyAnswers, BufferStreams: fb.BufferStreams,
		Hedge: llmrouter.Hedge{Delay: fb.Hedge.Delay, P95: fb.Hedge.P95, MinSamples: fb.Hedge.MinSamples, MaxExtra: fb.Hedge.MaxExtra},
	}
	if r := fb.MaxRetries; r != nil {
		out.MaxRetries = *r
		if *r == 0 {
			out.MaxRetries = -1 // llmrouter: negative is none, zero the default
		}
	}
	names, _ := verifierNames(fb.Verifier) // checked by Parse
	var vs []llmrouter.Verifier
	for _, n := range names {
		switch n {
		case "checks":
			vs = append(vs, llmrouter.RejectEmpty, llmrouter.RejectRefusal, llmrouter.RejectInvalidJSON, llmrouter.RejectInvalidToolCalls)
		case "trained":
			vs = append(vs, verify.Default())
		}
	}
	if len(vs) > 0 {
		out.Verifier = llmrouter.Verifiers(vs...)
	}
	return out, true
}

// Build makes the Router the file declares: a langchaingo client per model
// (openai.New, anthropic.New or ollama.New with the file's base URL, API
// model and the key read from its api_key_env, over an HTTP client with
// llmrouter.RetryAfterTransport), the cards, the policy (with a fresh
// in-memory budget when the file declares budgets) and the fallback.
// Missing environment variables are reported together, as Errors naming
// the file, line and field. A File made in code rather than by Parse or
// Load is first checked as Parse checks a file (its errors carry no file
// name or line; a field Parse checks only when the file sets it, such as
// quality or policy.min_quality, is not checked). Build does not call any
// model.
func (f *File) Build(o BuildOptions) (*llmrouter.Router, error) {
	if f.lines == nil { // made in code, not by Parse: check it as Parse would
		var errs Errors
		f.check(&errs)
		if err := errs.err(); err != nil {
			return nil, err
		}
	}
	lookup := o.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	clock := o.Clock
	if clock == nil {
		clock = routertest.NewClock(time.Unix(0, 0).UTC())
	}
	hc := &http.Client{Transport: &llmrouter.RetryAfterTransport{Base: o.Transport}}
	cards := f.Cards()
	providers := make([]llmrouter.Provider, len(cards))
	var errs Errors
	for i, m := range f.Models {
		card := cards[i]
		if o.Fake || m.Provider == KindFake {
			providers[i] = routertest.NewProvider(card, routertest.Response{
				Text: "(a fake answer from " + card.Name + ")", Latency: card.TypicalLatency,
			}).WithClock(clock)
			continue
		}
		key := ""
		if m.APIKeyEnv != "" {
			v, ok := lookup(m.APIKeyEnv)
			if !ok || v == "" {
				errs.add(&Error{File: f.name, Line: f.line(fmt.Sprintf("models[%d].api_key_env", i)), Field: fmt.Sprintf("models[%d].api_key_env", i),
					Msg: fmt.Sprintf("environment variable %s is not set", m.APIKeyEnv)})
				continue
			}
			key = v
		}
		llm, err := newClient(m, card.APIModel, key, hc)
		if err != nil {
			errs.add(&Error{File: f.name, Line: f.line(fmt.Sprintf("models[%d]", i)), Field: fmt.Sprintf("models[%d]", i), Msg: err.Error()})
			continue
		}
		providers[i] = llmrouter.NewProvider(card, llm)
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	b, err := f.budget()
	if err != nil {
		return nil, err
	}
	opts := []llmrouter.Option{llmrouter.WithPolicy(f.routingPolicy(b))}
	if fb, ok := f.FallbackSettings(); ok {
		opts = append(opts, llmrouter.WithFallback(fb))
	}
	r, err := llmrouter.New(providers, append(opts, o.Options...)...)
	if err != nil && f.name != "" {
		return nil, fmt.Errorf("%s: %w", f.name, err)
	}
	if err != nil {
		return nil, err // a File made in code has no name
	}
	return r, nil
}

func newClient(m Model, apiModel, key string, hc *http.Client) (llms.Model, error) {
	switch m.Provider {
	case KindOpenAI:
		opts := []openai.Option{openai.WithModel(apiModel), openai.WithToken(key), openai.WithHTTPClient(hc)}
		if m.BaseURL != "" {
			opts = append(opts, openai.WithBaseURL(m.BaseURL))
		}
		return openai.New(opts...)
	case KindAnthropic:
		opts := []anthropic.Option{anthropic.WithModel(apiModel), anthropic.WithToken(key), anthropic.WithHTTPClient(hc)}
		if m.BaseURL != "" {
			opts = append(opts, anthropic.WithBaseURL(m.BaseURL))
		}
		return anthropic.New(opts...)
	case KindOllama:
		opts := []ollama.Option{ollama.WithModel(apiModel), ollama.WithHTTPClient(hc)}
		if m.BaseURL != "" {
			opts = append(opts, ollama.WithServerURL(m.BaseURL))
		}
		return ollama.New(opts...)
	}
	return nil, fmt.Errorf("unknown provider kind %q", m.Provider)
}
