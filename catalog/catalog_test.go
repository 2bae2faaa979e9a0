package catalog_test

import (
	"strings"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/catalog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTableIsSane(t *testing.T) {
	_, err := time.Parse(time.DateOnly, catalog.Date)
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, e := range catalog.All() {
		assert.False(t, seen[e.Name], "duplicate %s", e.Name)
		seen[e.Name] = true
		assert.Positive(t, e.InputPerMTok, e.Name)
		assert.GreaterOrEqual(t, e.OutputPerMTok, e.InputPerMTok, "%s: output dearer than input for every listed model", e.Name)
		assert.GreaterOrEqual(t, e.CachedInputPerMTok, 0.0, e.Name)
		assert.LessOrEqual(t, e.CachedInputPerMTok, e.InputPerMTok, "%s: a cache read never costs more than input", e.Name)
		assert.True(t, strings.HasPrefix(e.Source, "https://"), "%s: every row names its source page", e.Name)
		_, err := llmrouter.New([]llmrouter.Provider{llmrouter.NewProvider(e.Fill(llmrouter.ModelCard{Name: e.Name}), nil)})
		assert.NoError(t, err, "%s: a filled card is valid", e.Name)
	}
	assert.GreaterOrEqual(t, len(seen), 10)
}

func TestLookupAndFill(t *testing.T) {
	tests := []struct {
		name   string
		lookup string
		card   llmrouter.ModelCard
		want   llmrouter.ModelCard
		found  bool
	}{
		{name: "empty card filled", lookup: "gpt-4o-mini", card: llmrouter.ModelCard{Name: "mini"},
			want: llmrouter.ModelCard{Name: "mini", InputPerMTok: 0.15, OutputPerMTok: 0.60, CachedInputPerMTok: 0.075,
				ContextWindow: 128000, MaxOutputTokens: 16384,
				Capabilities: llmrouter.Vision | llmrouter.Tools | llmrouter.JSONMode | llmrouter.Streaming}, found: true},
		{name: "set fields win (negotiated price, narrower caps)", lookup: "claude-3-5-haiku-latest",
			card: llmrouter.ModelCard{Name: "h", InputPerMTok: 0.5, Capabilities: llmrouter.Tools, Quality: 0.7},
			want: llmrouter.ModelCard{Name: "h", InputPerMTok: 0.5, OutputPerMTok: 4, CachedInputPerMTok: 0.08, CacheWritePerMTok: 1,
				ContextWindow: 200000, Capabilities: llmrouter.Tools, Quality: 0.7}, found: true},
		{name: "dated id and case", lookup: " GPT-4.1-2025-04-14 ", found: true, card: llmrouter.ModelCard{Name: "x", ContextWindow: 1000},
			want: llmrouter.ModelCard{Name: "x", InputPerMTok: 2, OutputPerMTok: 8, CachedInputPerMTok: 0.5, ContextWindow: 1000, MaxOutputTokens: 32768,
				Capabilities: llmrouter.Vision | llmrouter.Tools | llmrouter.JSONMode | llmrouter.Streaming}},
		{name: "strengths alone keep the table's capabilities", lookup: "gpt-4o-mini",
			card: llmrouter.ModelCard{Name: "m", Capabilities: llmrouter.Code | llmrouter.Multilingual},
			want: llmrouter.ModelCard{Name: "m", InputPerMTok: 0.15, OutputPerMTok: 0.60, CachedInputPerMTok: 0.075,
				ContextWindow: 128000, MaxOutputTokens: 16384,
				Capabilities: llmrouter.Vision | llmrouter.Tools | llmrouter.JSONMode | llmrouter.Streaming | llmrouter.Code | llmrouter.Multilingual}, found: true},
		{name: "capabilities and strengths both set win", lookup: "gpt-4o-mini",
			card: llmrouter.ModelCard{Name: "m", Capabilities: llmrouter.Tools | llmrouter.Math},
			want: llmrouter.ModelCard{Name: "m", InputPerMTok: 0.15, OutputPerMTok: 0.60, CachedInputPerMTok: 0.075,
				ContextWindow: 128000, MaxOutputTokens: 16384, Capabilities: llmrouter.Tools | llmrouter.Math}, found: true},
		{name: "unknown model", lookup: "my-finetune", found: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, ok := catalog.Lookup(tt.lookup)
			require.Equal(t, tt.found, ok)
			if ok {
				assert.Equal(t, tt.want, e.Fill(tt.card))
			}
		})
	}
}

func TestAllIsACopy(t *testing.T) {
	a := catalog.All()
	a[0].InputPerMTok = 999
	assert.NotEqual(t, 999.0, catalog.All()[0].InputPerMTok)
}
