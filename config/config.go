// Package config reads a router configuration file (YAML) and builds a
// ready llmrouter.Router from it: the models with their cards and
// langchaingo clients, tiers, the selection policy and fallback settings.
//
// YAML, because operators write and review these files by hand: it takes
// comments (why a price or a quality prior is what it is), and it is what
// LiteLLM's router config, Kubernetes and CI files look like. It is decoded
// with go.yaml.in/yaml/v3's node tree, which keeps every value's line, so
// each problem is reported as "router.yaml:12: models[1].price_in: must be
// >= 0, got -1", and all problems of a file are reported together.
//
// A file (examples/config/router.yaml is a complete one):
//
//	models:
//	  - name: mini                    # the name routing refers to
//	    provider: openai              # openai | anthropic | ollama | fake
//	    api_model: gpt-4o-mini        # sent to the API; default: name
//	    base_url: https://api.openai.com/v1   # default: the client's
//	    api_key_env: OPENAI_API_KEY   # the variable holding the key, never the key
//	    quality: 0.72                 # prior strength in (0,1]
//	    typical_latency: 700ms
//	    # price_in, price_out, price_cached_in, price_cache_write (USD per
//	    # million tokens), context_window, max_output and capabilities
//	    # ("vision|tools|json|streaming") come from the catalog when the
//	    # api_model is a known model and the field is left out.
//	    # Strengths (code, math, multilingual, long-context) may join them:
//	    # "capabilities: code" keeps the catalog's and prefers the model
//	    # for code when it is adequate.
//	tiers:
//	  default: free                   # the tier of requests naming none
//	  allow: {free: [mini], pro: [mini, big]}
//	policy:
//	  rule: cheapest-adequate         # or threshold (strong, weak, cutoff)
//	  min_quality: 0.7
//	  ignore_strengths: false         # true: adequate models by cost alone
//	fallback:                         # present: resilient execution on
//	  max_retries: 2
//	  attempt_timeout: 30s
//	  verifier: checks                # none | checks | trained, joined by |
//	budgets:                          # spend limits, see Budgets
//	  limits:
//	    - {scope: user, tier: free, usd: 0.05, window: day}
package config

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"time"

	"github.com/llmrouter/llmrouter"
	yaml "go.yaml.in/yaml/v3"
)

// MaxFileBytes bounds what Load and Parse read: a configuration is a few
// kilobytes; a larger input is a mistake (a log file, a model file).
const MaxFileBytes = 1 << 20

// File is a parsed and checked configuration. Fields mirror the YAML keys.
// A File is not modified by Build and may be built several times.
type File struct {
	Models   []Model   `yaml:"models"`
	Tiers    *Tiers    `yaml:"tiers"`
	Policy   Policy    `yaml:"policy"`
	Fallback *Fallback `yaml:"fallback"`
	Budgets  *Budgets  `yaml:"budgets"`

	name  string          // the file name errors carry
	lines map[string]int  // field path -> line
	bad   map[string]bool // field paths that failed to decode
}

// Model declares one model: its card, and how to reach it.
type Model struct {
	// Name is the model's name in the router (llmrouter.ModelCard.Name).
	// Required, unique.
	Name string `yaml:"name"`
	// Provider is the client kind: KindOpenAI, KindAnthropic, KindOllama
	// or KindFake. Required.
	Provider string `yaml:"provider"`
	// APIModel is the model id sent to the provider; empty means Name.
	APIModel string `yaml:"api_model"`
	// BaseURL, an http(s) URL, overrides the client's default endpoint
	// (an OpenAI-compatible server, a proxy, a remote ollama); empty keeps
	// the client's default.
	BaseURL string `yaml:"base_url"`
	// APIKeyEnv names the environment variable holding the API key; Build
	// reads it. Required for openai and anthropic.
	APIKeyEnv string `yaml:"api_key_env"`

	// Card fields; zero means "from the catalog" when APIModel is known,
	// else unknown (see llmrouter.ModelCard).
	PriceIn         float64                `yaml:"price_in"`
	PriceOut        float64                `yaml:"price_out"`
	PriceCachedIn   float64                `yaml:"price_cached_in"`
	PriceCacheWrite float64                `yaml:"price_cache_write"`
	ContextWindow   int                    `yaml:"context_window"`
	MaxOutput       int                    `yaml:"max_output"`
	Capabilities    llmrouter.Capabilities `yaml:"capabilities"`
	TypicalLatency  time.Duration          `yaml:"typical_latency"`
	Quality         float64                `yaml:"quality"`
	// Catalog, when false, keeps the catalog out of this card.
	Catalog *bool `yaml:"catalog"`
}

// Tiers restricts each user tier to some models (llmrouter.TierFilter).
type Tiers struct {
	Default string              `yaml:"default"`
	Lenient bool                `yaml:"lenient"`
	Allow   map[string][]string `yaml:"allow"`
}

// Policy picks the selection rule: "cheapest-adequate" (the default, with
// MinQuality and IgnoreStrengths) or "threshold" (Strong, Weak, Cutoff).
type Policy struct {
	Rule            string  `yaml:"rule"`
	MinQuality      float64 `yaml:"min_quality"`
	IgnoreStrengths bool    `yaml:"ignore_strengths"`
	Strong          string  `yaml:"strong"`
	Weak            string  `yaml:"weak"`
	Cutoff          float64 `yaml:"cutoff"`
}

// Fallback mirrors llmrouter.Fallback; a present section turns resilient
// execution on, absent fields keep llmrouter's defaults.
type Fallback struct {
	// MaxRetries per model; 0 means no retries (unlike llmrouter.Fallback,
	// where 0 means the default, 2: an operator writing 0 means none).
	MaxRetries        *int          `yaml:"max_retries"`
	Backoff           Backoff       `yaml:"backoff"`
	MaxRetryWait      time.Duration `yaml:"max_retry_wait"`
	AttemptTimeout    time.Duration `yaml:"attempt_timeout"`
	NoBreaker         bool          `yaml:"no_breaker"`
	WaitForCooldown   bool          `yaml:"wait_for_cooldown"`
	AllowEmptyAnswers bool          `yaml:"allow_empty_answers"`
	BufferStreams     bool          `yaml:"buffer_streams"`
	Hedge             Hedge         `yaml:"hedge"`
	// Verifier: "none" (default), "checks" (empty answers, refusals,
	// invalid JSON and tool calls), "trained" (verify.Default()), or
	// "checks|trained".
	Verifier string `yaml:"verifier"`
}

// Backoff mirrors llmrouter.Backoff.
type Backoff struct {
	Base       time.Duration `yaml:"base"`
	Max        time.Duration `yaml:"max"`
	Multiplier float64       `yaml:"multiplier"`
}

// Hedge mirrors llmrouter.Hedge.
type Hedge struct {
	Delay      time.Duration `yaml:"delay"`
	P95        bool          `yaml:"p95"`
	MinSamples int           `yaml:"min_samples"`
	MaxExtra   int           `yaml:"max_extra"`
}

// Load reads, parses and checks the file at path (see Parse).
func Load(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(io.LimitReader(f, MaxFileBytes+1)); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return Parse(filepath.Base(path), b.Bytes())
}

// Parse parses and checks a configuration; name is the file name errors
// carry. Every problem is reported, as Errors, each with its line and
// field: unknown fields, values of the wrong type, impossible values,
// names of models no model declares, a second YAML document after "---".
// Environment variables are not read here (Build reads them).
func Parse(name string, data []byte) (*File, error) {
	var errs Errors
	if len(data) > MaxFileBytes {
		errs.add(&Error{File: name, Msg: fmt.Sprintf("larger than %d bytes: not a configuration file", MaxFileBytes)})
		return nil, errs.err()
	}
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil && err != io.EOF {
		errs.add(syntaxError(name, data, err))
		return nil, errs.err()
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == io.EOF:
	case err != nil:
		errs.add(syntaxError(name, data, err))
		return nil, errs.err()
	case len(next.Content) > 0 && !(next.Content[0].Kind == yaml.ScalarNode && next.Content[0].Tag == "!!null" && next.Content[0].Value == ""):
		errs.add(&Error{File: name, Line: next.Content[0].Line,
			Msg: `a second YAML document (after "---"): a configuration file holds one; merge them or split the file`})
		return nil, errs.err()
	}
	f := &File{name: name, lines: map[string]int{}, bad: map[string]bool{}}
	if len(root.Content) == 0 {
		errs.add(&Error{File: name, Msg: "empty: declare at least one model under models"})
		return nil, errs.err()
	}
	d := &decoder{file: name, errs: &errs, lines: f.lines, bad: f.bad}
	d.decode(root.Content[0], reflect.ValueOf(f).Elem(), "", 0)
	f.check(&errs)
	if err := errs.err(); err != nil {
		return nil, err
	}
	return f, nil
}
