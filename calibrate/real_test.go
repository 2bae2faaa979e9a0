package calibrate_test

import (
	"context"
	"math"
	"os"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/calibrate"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/eval"
	"github.com/llmrouter/llmrouter/internal/shareddata"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// On held-out RouterBench prompts, the score calibrate (and Threshold)
// compares ranks prompts as the difficulty itself does: the hardest prompts
// are not pushed back to the weak model, so nothing of the difficulty's
// APGR is lost to the card mapping.
func TestRouteScoreKeepsDifficultyAPGR(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the shared data; skipped with -short")
	}
	ds, err := dataset.Load(shareddata.Path(t, "routerbench-test.jsonl"))
	require.NoError(t, err)
	f, err := os.Open("../default_model.bin") // the built-in model's file
	require.NoError(t, err)
	defer f.Close()
	trained, err := llmrouter.ReadLinearClassifier(f)
	require.NoError(t, err)
	const gpt4, mixtral = "gpt-4-1106-preview", "mistralai/mixtral-8x7b-chat"
	for _, cl := range []struct {
		name string
		c    llmrouter.Classifier
	}{{"default", llmrouter.DefaultClassifier()}, {"trained only", trained}} {
		for _, priors := range [][2]float64{{0.9, 0.7}, {0.8, 0.6}} {
			strong := llmrouter.ModelCard{Name: gpt4, Quality: priors[0]}
			weak := llmrouter.ModelCard{Name: mixtral, Quality: priors[1]}
			sc, st, wk, err := calibrate.Scores(context.Background(), cl.c, nil, ds, strong, weak)
			require.NoError(t, err)
			diff := difficulties(t, cl.c, ds)
			require.Len(t, diff, len(sc))
			byScore, err := eval.APGR(st, wk, sc)
			require.NoError(t, err)
			byDiff, err := eval.APGR(st, wk, diff)
			require.NoError(t, err)
			t.Logf("routerbench-test, GPT-4 vs Mixtral, %s, priors %v/%v: APGR %.3f by RouteScore, %.3f by difficulty", cl.name, priors[0], priors[1], byScore, byDiff)
			assert.InDelta(t, byDiff, byScore, 0.005, "RouteScore must rank as the difficulty does")
		}
	}
}

func difficulties(t *testing.T, c llmrouter.Classifier, ds *dataset.Dataset) []float64 {
	models := []llmrouter.ModelCard{{Name: "a"}, {Name: "b"}}
	var out []float64
	for _, r := range ds.Records {
		req := llmrouter.Request{Messages: []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, r.Prompt)}}
		var f llmrouter.Features
		llmrouter.DefaultAnalyzer{}.Analyze(&req, &f)
		p := llmrouter.Prediction{Quality: []float64{math.NaN(), math.NaN()}, Difficulty: math.NaN()}
		require.NoError(t, c.Classify(context.Background(), &f, models, &p))
		out = append(out, p.Difficulty)
	}
	return out
}
