// Package catalog is an embedded, dated table of known models: list prices
// (USD per million input, cached-input, cache-write and output tokens),
// context windows, output limits and capabilities, each row with the page
// its figures came from. A card or config that names a known model and
// leaves fields empty gets them from here (Fill); anything set wins.
//
// Prices change: the table is as of Date, and a model whose price could not
// be confirmed from a published page is left out rather than guessed. A
// zero field means unknown (a zero cached price: billed as input).
package catalog

import (
	"sort"
	"strings"

	"github.com/llmrouter/llmrouter"
)

// Date is when the table's figures were checked.
const Date = "2026-11-27"

// Entry is one known model.
type Entry struct {
	// Name is the provider's model id (the API model), e.g. "gpt-4o-mini".
	Name string
	// Provider is "openai", "anthropic" or "groq" (OpenAI-compatible).
	Provider string
	// Prices in USD per million tokens; zero CachedInputPerMTok or
	// CacheWritePerMTok means billed as input (see llmrouter.ModelCard).
	InputPerMTok, OutputPerMTok, CachedInputPerMTok, CacheWritePerMTok float64
	// ContextWindow and MaxOutputTokens in tokens; zero means unknown.
	ContextWindow, MaxOutputTokens int
	Capabilities                   llmrouter.Capabilities
	// Source is the page the figures were read from.
	Source string
}

const (
	all = llmrouter.Vision | llmrouter.Tools | llmrouter.JSONMode | llmrouter.Streaming
	// Anthropic's API has no JSON mode flag.
	claude = llmrouter.Vision | llmrouter.Tools | llmrouter.Streaming
)

const (
	srcAnthropic   = "https://docs.anthropic.com/en/docs/about-claude/pricing (model pricing table: base input, 5m cache writes, cache hits, output); 200K windows: Anthropic's models overview as summarised at https://docs.rs/matrixcode-core/0.4.43/matrixcode_core/models/fn.context_window_for.html"
	srcClaude45    = "https://platform.claude.com/docs/en/about-claude/pricing (model pricing table)"
	srcHaiku45     = "https://claude-api-cookbook.vercel.app/claude-sonnet-vs-haiku-when-to-use/ and https://hivebook.wiki/wiki/claude-haiku-4-5-anthropic-s-fast-tier ($1 input, $5 output, $0.10 cache reads, $1.25 5m cache writes, 200K window)"
	src4o          = "https://openai.com/api/pricing as quoted at https://github.com/CommitBrief/commitbrief/wiki/Provider-OpenAI (input, cached input, output; 128,000 window)"
	src4oMiniLimit = "; 16,384 max output: https://vercel.com/ai-gateway/models/gpt-4o-mini-fast.md"
	src41          = "https://tokenmath.io/openai-api-pricing-explained and https://deploybase.ai/articles/gpt-4.1-pricing (input, output); cached input 75% off for the GPT-4.1 family: https://docs.rs/crate/adk-model/latest/source/src/openai/pricing.rs and https://www.helicone.ai/model/gpt-4.1 ($0.50 for gpt-4.1); 1,047,576 window, 32,768 max output: https://vercel.com/ai-gateway/models/gpt-4.1-fast.md"
	srcO3Mini      = "https://deploybase.ai/articles/openai-pricing (input, output, 200K window, 100K max output; cached price not confirmed)"
	srcGroq        = "https://smithery.ai/skills/jeremylongshore/groq-cost-tuning (Groq on-demand list prices, marked approximate there; window not confirmed)"
)

// table is sorted by provider, then price.
var table = []Entry{
	{Name: "claude-3-haiku-20240307", Provider: "anthropic", InputPerMTok: 0.25, CachedInputPerMTok: 0.03, CacheWritePerMTok: 0.30, OutputPerMTok: 1.25, ContextWindow: 200000, Capabilities: claude, Source: srcAnthropic},
	{Name: "claude-3-5-haiku-20241022", Provider: "anthropic", InputPerMTok: 0.80, CachedInputPerMTok: 0.08, CacheWritePerMTok: 1, OutputPerMTok: 4, ContextWindow: 200000, Capabilities: claude, Source: srcAnthropic},
	{Name: "claude-haiku-4-5", Provider: "anthropic", InputPerMTok: 1, CachedInputPerMTok: 0.10, CacheWritePerMTok: 1.25, OutputPerMTok: 5, ContextWindow: 200000, Capabilities: claude, Source: srcHaiku45},
	{Name: "claude-3-7-sonnet-20250219", Provider: "anthropic", InputPerMTok: 3, CachedInputPerMTok: 0.30, CacheWritePerMTok: 3.75, OutputPerMTok: 15, ContextWindow: 200000, Capabilities: claude, Source: srcAnthropic},
	{Name: "claude-sonnet-4-0", Provider: "anthropic", InputPerMTok: 3, CachedInputPerMTok: 0.30, CacheWritePerMTok: 3.75, OutputPerMTok: 15, ContextWindow: 200000, Capabilities: claude, Source: srcAnthropic},
	{Name: "claude-opus-4-5", Provider: "anthropic", InputPerMTok: 5, CachedInputPerMTok: 0.50, CacheWritePerMTok: 6.25, OutputPerMTok: 25, ContextWindow: 200000, Capabilities: claude, Source: srcClaude45},
	{Name: "claude-opus-4-1", Provider: "anthropic", InputPerMTok: 15, CachedInputPerMTok: 1.50, CacheWritePerMTok: 18.75, OutputPerMTok: 75, ContextWindow: 200000, Capabilities: claude, Source: srcAnthropic},
	{Name: "llama-3.1-8b-instant", Provider: "groq", InputPerMTok: 0.05, OutputPerMTok: 0.08, Capabilities: llmrouter.Tools | llmrouter.JSONMode | llmrouter.Streaming, Source: srcGroq},
	{Name: "llama-3.3-70b-versatile", Provider: "groq", InputPerMTok: 0.59, OutputPerMTok: 0.79, Capabilities: llmrouter.Tools | llmrouter.JSONMode | llmrouter.Streaming, Source: srcGroq},
	{Name: "gpt-4.1-nano", Provider: "openai", InputPerMTok: 0.10, CachedInputPerMTok: 0.025, OutputPerMTok: 0.40, ContextWindow: 1047576, MaxOutputTokens: 32768, Capabilities: all, Source: src41},
	{Name: "gpt-4o-mini", Provider: "openai", InputPerMTok: 0.15, CachedInputPerMTok: 0.075, OutputPerMTok: 0.60, ContextWindow: 128000, MaxOutputTokens: 16384, Capabilities: all, Source: src4o + src4oMiniLimit},
	{Name: "gpt-4.1-mini", Provider: "openai", InputPerMTok: 0.40, CachedInputPerMTok: 0.10, OutputPerMTok: 1.60, ContextWindow: 1047576, MaxOutputTokens: 32768, Capabilities: all, Source: src41},
	{Name: "o3-mini", Provider: "openai", InputPerMTok: 1.10, OutputPerMTok: 4.40, ContextWindow: 200000, MaxOutputTokens: 100000, Capabilities: llmrouter.Tools | llmrouter.JSONMode | llmrouter.Streaming, Source: srcO3Mini},
	{Name: "gpt-4.1", Provider: "openai", InputPerMTok: 2, CachedInputPerMTok: 0.50, OutputPerMTok: 8, ContextWindow: 1047576, MaxOutputTokens: 32768, Capabilities: all, Source: src41},
	{Name: "gpt-4o", Provider: "openai", InputPerMTok: 2.50, CachedInputPerMTok: 1.25, OutputPerMTok: 10, ContextWindow: 128000, Capabilities: all, Source: src4o},
}

// aliases map the short or dated ids operators write to a table name.
var aliases = map[string]string{
	"claude-3-5-haiku-latest":   "claude-3-5-haiku-20241022",
	"claude-haiku-4-5-20251001": "claude-haiku-4-5",
	"claude-3-7-sonnet-latest":  "claude-3-7-sonnet-20250219",
	"claude-sonnet-4-20250514":  "claude-sonnet-4-0",
	"claude-opus-4-1-20250805":  "claude-opus-4-1",
	"gpt-4o-mini-2024-07-18":    "gpt-4o-mini",
	"gpt-4.1-2025-04-14":        "gpt-4.1",
	"gpt-4.1-mini-2025-04-14":   "gpt-4.1-mini",
	"gpt-4.1-nano-2025-04-14":   "gpt-4.1-nano",
	"o3-mini-2025-01-31":        "o3-mini",
}

// Lookup returns the entry for a model id or one of its aliases (dated
// snapshots, "-latest"), case-insensitively.
func Lookup(name string) (Entry, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	if a, ok := aliases[n]; ok {
		n = a
	}
	for _, e := range table {
		if e.Name == n {
			return e, true
		}
	}
	return Entry{}, false
}

// All returns a copy of the table, sorted by provider and input price.
func All() []Entry {
	out := append([]Entry(nil), table...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Provider != out[j].Provider {
			return out[i].Provider < out[j].Provider
		}
		return out[i].InputPerMTok < out[j].InputPerMTok
	})
	return out
}

// Fill returns card with every zero price, limit and capability set taken
// from e (the capability set counts as zero when the card declares only
// strengths such as Code, which it keeps); fields the card sets are kept (the override). Name, APIModel,
// TypicalLatency and Quality are never touched: the table has no opinion
// on them.
func (e Entry) Fill(card llmrouter.ModelCard) llmrouter.ModelCard {
	set := func(dst *float64, v float64) {
		if *dst == 0 {
			*dst = v
		}
	}
	set(&card.InputPerMTok, e.InputPerMTok)
	set(&card.OutputPerMTok, e.OutputPerMTok)
	set(&card.CachedInputPerMTok, e.CachedInputPerMTok)
	set(&card.CacheWritePerMTok, e.CacheWritePerMTok)
	if card.ContextWindow == 0 {
		card.ContextWindow = e.ContextWindow
	}
	if card.MaxOutputTokens == 0 {
		card.MaxOutputTokens = e.MaxOutputTokens
	}
	// What the model accepts comes from the table unless the card sets
	// some of it; strengths the card declares (code, math, …) are kept
	// either way, so "capabilities: code" adds a strength and loses nothing.
	if card.Capabilities&accepts == 0 {
		card.Capabilities |= e.Capabilities
	}
	return card
}

// accepts are the Capabilities saying what a model accepts (the rest are
// strengths, which the table does not rate).
const accepts = llmrouter.Vision | llmrouter.Tools | llmrouter.JSONMode | llmrouter.Streaming
