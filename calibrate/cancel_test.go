package calibrate_test

import (
	"context"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/calibrate"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestScoresStopsWhenCtxEnds: Scores checks ctx before each record, so a
// classifier that ignores ctx (most do: they compute locally) does not keep
// a cancelled run going over the whole dataset.
func TestScoresStopsWhenCtxEnds(t *testing.T) {
	ds := synthDataset(100)
	strong, weak := llmrouter.ModelCard{Name: "strong"}, llmrouter.ModelCard{Name: "weak"}
	tests := []struct {
		name     string
		cancelAt int // the call after which ctx is cancelled; 0: before the first
		want     int // calls made
	}{
		{"cancelled before", 0, 0},
		{"cancelled after the third record", 3, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancelAt == 0 {
				cancel()
			}
			calls := 0
			c := llmrouter.ClassifierFunc(func(_ context.Context, _ *llmrouter.Features, _ []llmrouter.ModelCard, p *llmrouter.Prediction) error {
				calls++
				p.Quality[0], p.Quality[1] = 0.9, 0.5
				if calls == tt.cancelAt {
					cancel()
				}
				return nil
			})
			scores, _, _, err := calibrate.Scores(ctx, c, nil, ds, strong, weak)
			require.ErrorIs(t, err, context.Canceled)
			assert.Nil(t, scores)
			assert.Equal(t, tt.want, calls)
		})
	}
}
