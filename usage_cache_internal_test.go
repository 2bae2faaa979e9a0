package llmrouter

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/tmc/langchaingo/llms"
)

// TestUsageCachedTokensByProvider pins how the GenerationInfo keys of
// langchaingo v0.1.14's clients map onto Usage: OpenAI's cached tokens are
// part of PromptTokens, Anthropic's cache reads and writes come on top of
// InputTokens.
func TestUsageCachedTokensByProvider(t *testing.T) {
	card := ModelCard{InputPerMTok: 2.5, OutputPerMTok: 10, CachedInputPerMTok: 1.25}
	tests := []struct {
		name     string
		info     map[string]any
		want     Usage
		wantCost float64
	}{
		{"openai: cached within prompt tokens",
			map[string]any{"PromptTokens": 10000, "CompletionTokens": 100, "PromptCachedTokens": 8000},
			Usage{InputTokens: 10000, OutputTokens: 100, CachedInputTokens: 8000},
			(2000*2.5 + 8000*1.25 + 100*10) / 1e6},
		{"openai: no cache hit",
			map[string]any{"PromptTokens": 10000, "CompletionTokens": 100, "PromptCachedTokens": 0},
			Usage{InputTokens: 10000, OutputTokens: 100},
			(10000*2.5 + 100*10) / 1e6},
		{"anthropic: reads and writes on top of input",
			map[string]any{"InputTokens": 100, "OutputTokens": 10, "CacheReadInputTokens": 900, "CacheCreationInputTokens": 50},
			Usage{InputTokens: 1050, OutputTokens: 10, CachedInputTokens: 900, CacheWriteTokens: 50},
			(100*2.5 + 900*1.25 + 50*2.5 + 10*10) / 1e6},
		{"a cached count above the prompt is capped",
			map[string]any{"PromptTokens": 10, "CompletionTokens": 1, "PromptCachedTokens": 99},
			Usage{InputTokens: 10, OutputTokens: 1, CachedInputTokens: 10},
			(10*1.25 + 1*10) / 1e6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, ok := usageFromResponse(&llms.ContentResponse{Choices: []*llms.ContentChoice{{GenerationInfo: tt.info}}})
			assert.True(t, ok)
			assert.Equal(t, tt.want, u)
			assert.InDelta(t, tt.wantCost, card.usageCost(u), 1e-12)
		})
	}
}
