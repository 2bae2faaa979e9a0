package llmrouter_test

import (
	"context"
	"sync"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// The caller's Metadata map is never written: Route and the plan's setup
// applied the options to it before isolating it, so llms.WithThinking
// wrote into the caller's map, and concurrent requests sharing one map
// (a package-level default) raced on it: concurrent map writes, a fatal
// error. Run with -race.
func TestCallerMetadataNotWritten(t *testing.T) {
	for _, fb := range []*llmrouter.Fallback{nil, {}} {
		opts := []llmrouter.Option{}
		if fb != nil {
			opts = append(opts, llmrouter.WithFallback(*fb))
		}
		p := routertest.NewProvider(cheapCard)
		r, err := llmrouter.New([]llmrouter.Provider{p}, opts...)
		require.NoError(t, err)
		meta := map[string]any{"user": "u1"}
		call := []llms.CallOption{llms.WithMetadata(meta), llms.WithThinking(&llms.ThinkingConfig{Mode: llms.ThinkingModeHigh})}
		_, err = r.Route(context.Background(), human("hi"), call...)
		require.NoError(t, err)
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 20 {
					_, err := r.GenerateContent(context.Background(), human("hi"), call...)
					assert.NoError(t, err)
				}
			}()
		}
		wg.Wait()
		assert.Equal(t, map[string]any{"user": "u1"}, meta, "the caller's map is as it was")
		o := p.Calls()[0].Options
		assert.Equal(t, "u1", o.Metadata["user"], "the provider sees the caller's metadata")
		assert.NotNil(t, o.Metadata["thinking_config"], "and the thinking option")
	}
}
