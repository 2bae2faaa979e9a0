package usage

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// readAll is Read as it was before it stopped looking keys up once every
// key of the map was found: every key of every group, in order (with the
// counts outside [0, maxCount] read as none, as Read has since).
func readAll(resp *llms.ContentResponse) (Counts, bool) {
	num := func(m map[string]any, keys ...string) (int, bool) {
		ok := func(x float64) bool { return x >= 0 && x <= maxCount }
		for _, k := range keys {
			switch n := m[k].(type) {
			case int:
				if ok(float64(n)) {
					return n, true
				}
			case int32:
				if ok(float64(n)) {
					return int(n), true
				}
			case int64:
				if ok(float64(n)) {
					return int(n), true
				}
			case float64:
				if ok(n) {
					return int(n), true
				}
			case float32:
				if ok(float64(n)) {
					return int(n), true
				}
			}
		}
		return 0, false
	}
	for _, c := range resp.Choices {
		if c == nil || c.GenerationInfo == nil {
			continue
		}
		m := c.GenerationInfo
		in, okIn := num(m, "PromptTokens", "InputTokens", "prompt_tokens", "input_tokens")
		out, okOut := num(m, "CompletionTokens", "OutputTokens", "completion_tokens", "output_tokens")
		if !okIn && !okOut {
			continue
		}
		u := Counts{Input: in, Output: out}
		read, _ := num(m, "CacheReadInputTokens")
		write, _ := num(m, "CacheCreationInputTokens")
		u.Input += max(read, 0) + max(write, 0)
		u.CachedInput, u.CacheWrite = max(read, 0), max(write, 0)
		if u.Input == 0 && u.Output == 0 {
			continue // zeros: no report
		}
		if cached, ok := num(m, "PromptCachedTokens"); ok && cached > 0 && read == 0 {
			u.CachedInput = min(cached, u.Input)
		}
		return u, true
	}
	return Counts{}, false
}

// TestReadMatchesEveryKey checks Read against readAll on maps made of
// every key Read knows and others, with numbers of each type and values
// that are not numbers, over one and two choices.
func TestReadMatchesEveryKey(t *testing.T) {
	keys := []string{"PromptTokens", "InputTokens", "prompt_tokens", "input_tokens",
		"CompletionTokens", "OutputTokens", "completion_tokens", "output_tokens",
		"CacheReadInputTokens", "CacheCreationInputTokens", "PromptCachedTokens",
		"TotalTokens", "ReasoningTokens", "StopReason"}
	values := []func(n int) any{
		func(n int) any { return n },
		func(n int) any { return int32(n) },
		func(n int) any { return int64(n) },
		func(n int) any { return float64(n) + 0.5 },
		func(n int) any { return float32(n) },
		func(n int) any { return "12" },
		func(int) any { return nil },
	}
	rnd := rand.New(rand.NewPCG(8, 22))
	info := func() map[string]any {
		if rnd.IntN(8) == 0 {
			return nil
		}
		m := map[string]any{}
		for _, k := range keys {
			if rnd.IntN(3) == 0 {
				m[k] = values[rnd.IntN(len(values))](rnd.IntN(5000) - 10)
			}
		}
		return m
	}
	reported := 0
	for range 20000 {
		resp := &llms.ContentResponse{Choices: []*llms.ContentChoice{{GenerationInfo: info()}}}
		if rnd.IntN(2) == 0 {
			resp.Choices = append(resp.Choices, nil, &llms.ContentChoice{GenerationInfo: info()})
		}
		want, wantOK := readAll(resp)
		got, ok := Read(resp)
		require.Equal(t, wantOK, ok, "%v", resp.Choices[0].GenerationInfo)
		require.Equal(t, want, got, "%v", resp.Choices[0].GenerationInfo)
		if ok {
			reported++
		}
	}
	assert.Greater(t, reported, 10000, "most maps report usage")
	_, ok := Read(nil)
	assert.False(t, ok)
}

// TestReadTokenKeysAlone pins the rows that stop looking up early: a map
// with the token counts and nothing else, or with a cache key besides.
func TestReadTokenKeysAlone(t *testing.T) {
	for _, tc := range []struct {
		info map[string]any
		want Counts
	}{
		{map[string]any{"PromptTokens": 256, "CompletionTokens": 1}, Counts{Input: 256, Output: 1}},
		{map[string]any{"PromptTokens": "x", "InputTokens": 7}, Counts{Input: 7}},
		{map[string]any{"InputTokens": 10, "OutputTokens": 2, "CacheReadInputTokens": 5}, Counts{Input: 15, Output: 2, CachedInput: 5}},
		{map[string]any{"PromptTokens": 100, "CompletionTokens": 3, "PromptCachedTokens": 40}, Counts{Input: 100, Output: 3, CachedInput: 40}},
	} {
		got, ok := Read(&llms.ContentResponse{Choices: []*llms.ContentChoice{{GenerationInfo: tc.info}}})
		require.True(t, ok)
		assert.Equal(t, tc.want, got, "%v", tc.info)
	}
}
