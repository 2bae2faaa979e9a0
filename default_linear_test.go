package llmrouter_test

import (
	"context"
	"math"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/eval"
	"github.com/llmrouter/llmrouter/internal/shareddata"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func loadShared(t *testing.T, name string) *dataset.Dataset {
	t.Helper()
	ds, err := dataset.Load(shareddata.Path(t, name))
	require.NoError(t, err)
	return ds
}

func TestDefaultLinearClassifier(t *testing.T) {
	c, err := llmrouter.DefaultLinearClassifier()
	require.NoError(t, err)
	again, err := llmrouter.DefaultLinearClassifier()
	require.NoError(t, err)
	assert.Same(t, c, again, "decoded once")
	ok, ref := c.HasDifficulty()
	assert.True(t, ok)
	assert.Equal(t, "gpt-4-1106-preview", ref)
	assert.Empty(t, c.Models())
	assert.Equal(t, 17555, c.Info().Rows) // MMLU, GSM8K (less row 326, a copy of an MT-Bench question) and RouterBench train: never MT-Bench
	models := []llmrouter.ModelCard{{Name: "cheap", Quality: 0.6}, {Name: "strong", Quality: 0.9}}
	require.NoError(t, c.Validate(models))
	for _, text := range []string{"", "hi", linearPrompt1KB, "Find all zeros of x^5 + 3x^3 + x^2 + 2x in Z_5"} {
		p := llmrouter.Prediction{Quality: []float64{math.NaN(), math.NaN()}, Difficulty: math.NaN()}
		require.NoError(t, c.Classify(context.Background(), analyzed(text), models, &p))
		assert.True(t, p.Difficulty >= 0 && p.Difficulty <= 1, "difficulty %v of %q", p.Difficulty, text)
		assert.True(t, math.IsNaN(p.Quality[0]), "quality is left to the cards")
	}
}

// TestDefaultLinearClassifierHeldOut routes RouterBench's test split, which
// the default model never saw, between GPT-4 and Mixtral by its difficulty.
func TestDefaultLinearClassifierHeldOut(t *testing.T) {
	ds := loadShared(t, "routerbench-test.jsonl")
	c, err := llmrouter.DefaultLinearClassifier()
	require.NoError(t, err)
	var st, wk, sc []float64
	var prompts []string
	for _, r := range ds.Records {
		_, d := c.Predict(r.Prompt)
		st = append(st, r.Outcomes["gpt-4-1106-preview"].Score)
		wk = append(wk, r.Outcomes["mistralai/mixtral-8x7b-chat"].Score)
		sc = append(sc, d)
		prompts = append(prompts, r.Prompt)
	}
	a, err := eval.APGR(st, wk, sc)
	require.NoError(t, err)
	l, err := eval.APGR(st, wk, eval.LengthScores(prompts))
	require.NoError(t, err)
	t.Logf("RouterBench test, GPT-4 vs Mixtral by default difficulty: APGR %.4f (length %.4f)", a, l)
	assert.Greater(t, a, 0.55)
	assert.Greater(t, a, l+0.05)
}

// BenchmarkDefaultLinearClassify is a decision of the built-in model (2^18
// buckets, real weights) on a 1 KB prompt, features already analysed.
func BenchmarkDefaultLinearClassify(b *testing.B) {
	c, err := llmrouter.DefaultLinearClassifier()
	require.NoError(b, err)
	fs := analyzedRealPrompts(b)
	models := []llmrouter.ModelCard{{Name: "cheap", Quality: 0.6}, {Name: "strong", Quality: 0.9}}
	p := llmrouter.Prediction{Quality: make([]float64, 2)}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = c.Classify(ctx, fs[i%len(fs)], models, &p)
	}
}
