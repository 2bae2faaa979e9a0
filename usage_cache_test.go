package llmrouter_test

import (
	"context"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/internal/anthropictest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms/anthropic"
)

// TestAnthropicCacheTokensPriced runs the real anthropic client against a
// server reporting prompt-cache reads and writes, which Anthropic counts
// apart from input_tokens and bills at their own prices (Claude Haiku 3.5:
// $0.80 input, $0.08 cache reads, $1 cache writes, $4 output per million).
func TestAnthropicCacheTokensPriced(t *testing.T) {
	priced := llmrouter.ModelCard{Name: "haiku", InputPerMTok: 0.8, OutputPerMTok: 4, CachedInputPerMTok: 0.08, CacheWritePerMTok: 1}
	unpriced := llmrouter.ModelCard{Name: "haiku", InputPerMTok: 0.8, OutputPerMTok: 4}
	tests := []struct {
		name      string
		card      llmrouter.ModelCard
		read, wr  int
		wantUsage llmrouter.Usage
		wantCost  float64
	}{
		{
			name: "cache read priced at the cached price", card: priced, read: 30000,
			wantUsage: llmrouter.Usage{InputTokens: 32000, OutputTokens: 500, CachedInputTokens: 30000},
			wantCost:  (2000*0.8 + 30000*0.08 + 500*4) / 1e6, // 0.0016 + 0.0024 + 0.002 = 0.0060
		},
		{
			name: "cache write priced at the write price", card: priced, wr: 30000,
			wantUsage: llmrouter.Usage{InputTokens: 32000, OutputTokens: 500, CacheWriteTokens: 30000},
			wantCost:  (2000*0.8 + 30000*1 + 500*4) / 1e6,
		},
		{
			name: "no cached prices on the card: cache tokens cost as input", card: unpriced, read: 30000,
			wantUsage: llmrouter.Usage{InputTokens: 32000, OutputTokens: 500, CachedInputTokens: 30000},
			wantCost:  (32000*0.8 + 500*4) / 1e6,
		},
		{
			name: "no cache: as before", card: priced,
			wantUsage: llmrouter.Usage{InputTokens: 2000, OutputTokens: 500},
			wantCost:  0.0036,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := anthropictest.New(t)
			srv.Enqueue(anthropictest.Response{
				Blocks:      []anthropictest.Block{anthropictest.Text("ok")},
				InputTokens: 2000, OutputTokens: 500, CacheReadTokens: tt.read, CacheWriteTokens: tt.wr,
			})
			llm, err := anthropic.New(anthropic.WithBaseURL(srv.URL), anthropic.WithToken("test"), anthropic.WithModel("claude-3-5-haiku-latest"))
			require.NoError(t, err)
			r, err := llmrouter.New([]llmrouter.Provider{llmrouter.NewProvider(tt.card, llm)})
			require.NoError(t, err)
			resp, err := r.GenerateContent(context.Background(), human("Summarise the cached document."))
			require.NoError(t, err)
			d, ok := llmrouter.DecisionFrom(resp)
			require.True(t, ok)
			assert.Equal(t, tt.wantUsage, d.Usage)
			require.Len(t, d.Attempts, 1)
			assert.Equal(t, tt.wantUsage, d.Attempts[0].Usage)
			assert.InDelta(t, tt.wantCost, d.Cost, 1e-12)
			assert.InDelta(t, tt.wantCost, d.Attempts[0].Cost, 1e-12)
		})
	}
}
