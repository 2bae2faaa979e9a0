package usage

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/tmc/langchaingo/llms"
)

// A provider's answer reporting a negative, non-finite or absurd token
// count was read as it came: PromptTokens -1000 made a call's cost
// negative (a budget then credited the user), NaN became the most
// negative int. Such a count is now no count: the router estimates the
// usage from the text instead, as when a provider reports none.
func TestReadRefusesBadCounts(t *testing.T) {
	resp := func(info map[string]any) *llms.ContentResponse {
		return &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: "x", GenerationInfo: info}}}
	}
	for _, tc := range []struct {
		name string
		info map[string]any
		want Counts
		ok   bool
	}{
		{"negative input", map[string]any{"PromptTokens": -1000, "CompletionTokens": 5}, Counts{Output: 5}, true},
		{"negative both", map[string]any{"PromptTokens": -1, "CompletionTokens": int64(-2)}, Counts{}, false},
		{"NaN", map[string]any{"input_tokens": math.NaN(), "output_tokens": 3.0}, Counts{Output: 3}, true},
		{"infinite", map[string]any{"prompt_tokens": math.Inf(1), "completion_tokens": 7}, Counts{Output: 7}, true},
		{"absurd", map[string]any{"PromptTokens": 1e30, "CompletionTokens": 2}, Counts{Output: 2}, true},
		{"negative cache read", map[string]any{"InputTokens": 10, "OutputTokens": 1, "CacheReadInputTokens": -50}, Counts{Input: 10, Output: 1}, true},
		{"fine", map[string]any{"PromptTokens": 12, "CompletionTokens": 4}, Counts{Input: 12, Output: 4}, true},
		{"output only (a prompt read from cache)", map[string]any{"prompt_eval_count": 0, "PromptTokens": 0, "CompletionTokens": 4}, Counts{Output: 4}, true},
		// langchaingo's openai and anthropic clients report zeros when the
		// server sent no usage: zero in and zero out is no report.
		{"zero both", map[string]any{"PromptTokens": 0, "CompletionTokens": 0, "TotalTokens": 0}, Counts{}, false},
		{"zero both, anthropic keys", map[string]any{"InputTokens": 0, "OutputTokens": 0, "CacheReadInputTokens": 0, "CacheCreationInputTokens": 0}, Counts{}, false},
		{"zero counts, cache read", map[string]any{"InputTokens": 0, "OutputTokens": 0, "CacheReadInputTokens": 30}, Counts{Input: 30, CachedInput: 30}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Read(resp(tc.info))
			assert.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, got)
		})
	}
}
