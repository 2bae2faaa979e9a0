package llmrouter_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// TestAllocsPerCall pins the allocations of the hot paths (issue 8): Route
// allocates the *Decision and nothing else (its ID is formatted into the
// Decision), and a plain GenerateContent through a provider that allocates
// nothing at most 6 times.
func TestAllocsPerCall(t *testing.T) {
	resp := &llms.ContentResponse{Choices: []*llms.ContentChoice{{
		Content: "B", GenerationInfo: map[string]any{"PromptTokens": 256, "CompletionTokens": 1},
	}}}
	var ps []llmrouter.Provider
	for _, c := range []llmrouter.ModelCard{cheapCard, midCard, strongCard} {
		ps = append(ps, staticProvider{card: c, resp: resp})
	}
	ctx := context.Background()
	msgs := []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman,
		strings.Repeat("Which of the following best explains why the sky is blue? ", 16))}
	opts := []llms.CallOption{llms.WithMaxTokens(64)}
	for _, tc := range []struct {
		name string
		opts []llmrouter.Option
		call func(r *llmrouter.Router) error
		max  float64
	}{
		{"Route", nil, func(r *llmrouter.Router) error { _, err := r.Route(ctx, msgs, opts...); return err }, 1},
		{"GenerateContent plain", nil, func(r *llmrouter.Router) error {
			_, err := r.GenerateContent(ctx, msgs, opts...)
			return err
		}, 6},
		{"GenerateContent WithFallback defaults", []llmrouter.Option{llmrouter.WithFallback(llmrouter.Fallback{})}, func(r *llmrouter.Router) error {
			_, err := r.GenerateContent(ctx, msgs, opts...)
			return err
		}, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := llmrouter.New(ps, tc.opts...)
			require.NoError(t, err)
			require.NoError(t, tc.call(r)) // warm the pools and the default model
			allocs := testing.AllocsPerRun(200, func() { require.NoError(t, tc.call(r)) })
			assert.LessOrEqual(t, allocs, tc.max)
		})
	}
	t.Run("IDs stay distinct and intact", func(t *testing.T) {
		r, err := llmrouter.New(ps)
		require.NoError(t, err)
		d1, err := r.Route(ctx, msgs)
		require.NoError(t, err)
		id1 := d1.ID
		d2, err := r.Route(ctx, msgs)
		require.NoError(t, err)
		assert.NotEqual(t, id1, d2.ID)
		assert.Equal(t, id1, d1.ID)
		assert.True(t, strings.HasPrefix(d1.ID, "d") && strings.Contains(d1.ID, "-"), d1.ID)
		// Reading JSON into a routed Decision leaves IDs handed out before intact.
		want := strings.Clone(id1)
		data, err := json.Marshal(d2)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(data, d1))
		assert.Equal(t, want, id1)
		assert.Equal(t, d2.ID, d1.ID)
	})
}
