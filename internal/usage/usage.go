// Package usage reads the token usage a langchaingo response reports, for
// the root package (llmrouter.Usage) and for sub-packages that call models
// themselves (judge), so every caller reads the same keys the same way.
package usage

import (
	"math"

	"github.com/tmc/langchaingo/llms"
)

// Counts is one response's reported usage. Input includes cache reads and
// writes (Anthropic reports them apart from input_tokens; OpenAI's cached
// tokens are already within prompt_tokens).
type Counts struct {
	Input, Output           int
	CachedInput, CacheWrite int
}

// Read reads the usage once per response, from the first choice that
// reports any (the openai, anthropic and ollama clients' keys, and the
// router's fakes'). ok is false when no choice reports usage. Zero input
// and zero output tokens is no report: langchaingo's openai and anthropic
// clients report zeros when the server sent no usage (an OpenAI-compatible
// server that ignores stream_options, say), and no answer is free.
func Read(resp *llms.ContentResponse) (u Counts, ok bool) {
	if resp == nil {
		return u, false
	}
	for _, c := range resp.Choices {
		if c == nil || c.GenerationInfo == nil {
			continue
		}
		f := fields{m: c.GenerationInfo, left: len(c.GenerationInfo)}
		in, okIn := f.int("PromptTokens", "InputTokens", "prompt_tokens", "input_tokens")
		out, okOut := f.int("CompletionTokens", "OutputTokens", "completion_tokens", "output_tokens")
		if okIn || okOut {
			u = Counts{Input: in, Output: out}
			read, _ := f.int("CacheReadInputTokens")
			write, _ := f.int("CacheCreationInputTokens")
			u.Input += max(read, 0) + max(write, 0)
			u.CachedInput, u.CacheWrite = max(read, 0), max(write, 0)
			if u.Input == 0 && u.Output == 0 {
				// What langchaingo's openai and anthropic clients report
				// when the server sent no usage: no report.
				u = Counts{}
				continue
			}
			if cached, ok := f.int("PromptCachedTokens"); ok && cached > 0 && read == 0 {
				u.CachedInput = min(cached, u.Input)
			}
			return u, true
		}
	}
	return u, false
}

// fields looks keys up in m, each key once. left counts the keys of m not
// found yet: once it is 0 every further look-up would miss, and is not
// made (a map of the token counts alone needs no look-up of the cache
// keys).
type fields struct {
	m    map[string]any
	left int
}

// maxCount bounds a believable token count: a provider's answer reporting
// a negative, non-finite or larger count reports none (the caller then
// estimates), so that a bad answer can neither make a cost negative nor
// overflow one.
const maxCount = min(1<<40, math.MaxInt) // an int holds it on 32-bit platforms too

// int returns the value of the first of keys present in f.m with a count
// in it (a number in [0, maxCount]), converted to int.
func (f *fields) int(keys ...string) (int, bool) {
	for _, k := range keys {
		if f.left == 0 {
			break
		}
		v, found := f.m[k]
		if !found {
			continue
		}
		f.left--
		var x float64
		switch n := v.(type) {
		case int:
			x = float64(n)
		case int32:
			x = float64(n)
		case int64:
			x = float64(n)
		case float64:
			x = n
		case float32:
			x = float64(n)
		default:
			continue
		}
		if x >= 0 && x <= maxCount { // false for NaN
			return int(x), true
		}
	}
	return 0, false
}
