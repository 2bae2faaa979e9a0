package llmrouter_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
)

// A caller who reuses its Tags slice after WithHints must not change the
// tags of decisions already made (and still queued in a sink).
func TestHintsTagsNotShared(t *testing.T) {
	tests := []struct {
		name     string
		generate bool
	}{
		{"Route", false},
		{"GenerateContent sink", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var recorded *llmrouter.Decision
			sink := llmrouter.SinkFunc(func(d *llmrouter.Decision) { recorded = d })
			r, err := llmrouter.New([]llmrouter.Provider{routertest.NewProvider(cheapCard)}, llmrouter.WithSink(sink))
			require.NoError(t, err)
			tags := []string{"team-a", "batch"}
			ctx := llmrouter.WithHints(context.Background(), llmrouter.Hints{Tags: tags})
			var d *llmrouter.Decision
			if tt.generate {
				_, err = r.GenerateContent(ctx, human("hello there"))
				require.NoError(t, err)
				d = recorded
			} else {
				d, err = r.Route(ctx, human("hello there"))
				require.NoError(t, err)
			}
			require.NotNil(t, d)
			tags[0], tags[1] = "team-b", "live" // the caller reuses its slice
			assert.Equal(t, []string{"team-a", "batch"}, d.Hints.Tags)
		})
	}
}
