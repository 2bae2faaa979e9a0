package llmrouter_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
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
			assert.LessOrEqual(t, allocs, tc.max+poolDropSlack)
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

// TestDecisionStorage pins what a Decision costs by the router's number of
// models: one allocation up to 8 models, sized to them (a decision over at
// most 3 models fits 1,024 bytes, over at most 8 1,792), and a plain
// GenerateContent records its first attempt without an allocation of its
// own, whatever the number of models. (Before, every Decision took 2,048
// bytes and a plain GenerateContent 3,184; before its execution state was
// pooled, 2,416 over up to 3 models, 1,936 before its hint slot and
// response copy fitted 256 bytes, and 1,896 before they fitted 192, the
// verifier's Answer moved out of the hint slot.)
func TestDecisionStorage(t *testing.T) {
	resp := &llms.ContentResponse{Choices: []*llms.ContentChoice{{
		Content: "B", GenerationInfo: map[string]any{"PromptTokens": 256, "CompletionTokens": 1},
	}}}
	ctx := context.Background()
	msgs := []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman,
		strings.Repeat("Which of the following best explains why the sky is blue? ", 16))}
	for _, tc := range []struct {
		models    int
		allocs    float64 // per Route
		maxBytes  uint64  // per Route
		genAllocs float64 // per plain GenerateContent
		genBytes  uint64  // per plain GenerateContent
	}{
		{1, 1, 1024, 6, 1840},
		{3, 1, 1024, 6, 1840},
		{4, 1, 1792, 6, 2608},
		{8, 1, 1792, 6, 2608},
		{9, 4, 2048, 9, 2688},
	} {
		t.Run(fmt.Sprintf("%d models", tc.models), func(t *testing.T) {
			var ps []llmrouter.Provider
			for i := range tc.models {
				c := midCard
				c.Name = fmt.Sprintf("m%d", i)
				c.InputPerMTok = 0.1 * float64(i+1)
				ps = append(ps, staticProvider{card: c, resp: resp})
			}
			r, err := llmrouter.New(ps)
			require.NoError(t, err)
			d, err := r.Route(ctx, msgs) // warm the pools and the default model
			require.NoError(t, err)
			require.Len(t, d.Candidates, tc.models)
			require.Len(t, d.Prediction.Quality, tc.models)
			require.NotEmpty(t, d.Plan)
			assert.Nil(t, d.Attempts, "Route makes no attempt")
			allocs := testing.AllocsPerRun(100, func() { _, err = r.Route(ctx, msgs) })
			require.NoError(t, err)
			assert.Equal(t, tc.allocs, allocs, "allocations a Route")
			route := func() error { _, err := r.Route(ctx, msgs); return err }
			assert.LessOrEqual(t, callBytes(t, route), tc.maxBytes, "bytes a Route")

			out, err := r.GenerateContent(ctx, msgs)
			require.NoError(t, err)
			gd, ok := llmrouter.DecisionFrom(out)
			require.True(t, ok)
			require.Len(t, gd.Attempts, 1)
			assert.Equal(t, gd.Model, gd.Attempts[0].Model)
			allocs = testing.AllocsPerRun(100, func() { _, err = r.GenerateContent(ctx, msgs) })
			require.NoError(t, err)
			assert.LessOrEqual(t, allocs, tc.genAllocs+poolDropSlack, "allocations a GenerateContent")
			generate := func() error { _, err := r.GenerateContent(ctx, msgs); return err }
			assert.LessOrEqual(t, callBytes(t, generate), tc.genBytes, "bytes a GenerateContent")
		})
	}
}

// callBytes is the heap bytes one call allocates: the least over 50
// calls, as other tests' goroutines may allocate meanwhile, and a pool may
// drop its scratch state (the race detector drops some on purpose).
func callBytes(t *testing.T, call func() error) uint64 {
	t.Helper()
	least := uint64(math.MaxUint64)
	for range 50 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if err := call(); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		least = min(least, after.TotalAlloc-before.TotalAlloc)
	}
	return least
}

// TestVerifierCallBytes pins what a GenerateContent with a verifier costs
// over three models: its execution state is never pooled (the verifier
// may keep the Answer) and shares one 768-byte block with the call's
// callState, as the execution state alone took before it was pooled.
func TestVerifierCallBytes(t *testing.T) {
	resp := &llms.ContentResponse{Choices: []*llms.ContentChoice{{
		Content: "B", GenerationInfo: map[string]any{"PromptTokens": 256, "CompletionTokens": 1},
	}}}
	var ps []llmrouter.Provider
	for _, c := range []llmrouter.ModelCard{cheapCard, midCard, strongCard} {
		ps = append(ps, staticProvider{card: c, resp: resp})
	}
	r, err := llmrouter.New(ps, llmrouter.WithFallback(llmrouter.Fallback{Verifier: llmrouter.DefaultVerifier}))
	require.NoError(t, err)
	ctx := context.Background()
	msgs := []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman,
		strings.Repeat("Which of the following best explains why the sky is blue? ", 16))}
	generate := func() error { _, err := r.GenerateContent(ctx, msgs); return err }
	require.NoError(t, generate())
	allocs := testing.AllocsPerRun(100, func() { require.NoError(t, generate()) })
	assert.LessOrEqual(t, allocs, float64(7+poolDropSlack))
	assert.LessOrEqual(t, callBytes(t, generate), uint64(2416+tinySlack), "bytes a GenerateContent with a verifier (2,416 before the pooling; 2,544 when the block outgrew 768 bytes)")
}
