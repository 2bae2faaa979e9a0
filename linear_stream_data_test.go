package llmrouter_test

import (
	"context"
	"math"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/llmrouter/llmrouter/train"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// streamDataTol bounds, relative to max(1, |x|), how far a prediction of
// the one-pass stream may be from its gather twin's on real prompts.
const streamDataTol = 1e-5

// TestStreamMatchesGatherOnSharedData: on every distinct prompt of the
// shared outcome files, the classifiers' one-pass stream predicts what
// their gather twin (the code before the stream) does, within
// streamDataTol, and no routing decision of the default router changes.
func TestStreamMatchesGatherOnSharedData(t *testing.T) {
	if testing.Short() {
		t.Skip("reads and trains on the shared data; skipped with -short")
	}
	prompts, mmlu := goldenPrompts(t)
	// A model with several outputs: two models and a difficulty head.
	lin, err := train.Linear(&dataset.Dataset{Records: mmlu.Records[:3000]}, train.Options{
		Lambdas: []float64{10}, IDF: train.IDFOn, DenseWeights: []float64{0.1}, Difficulty: true, Workers: 1})
	require.NoError(t, err)
	builtin, err := llmrouter.DefaultLinearClassifier()
	require.NoError(t, err)
	defGather, err := llmrouter.DefaultClassifierGather()
	require.NoError(t, err)
	pairs := []struct {
		name           string
		stream, gather llmrouter.Classifier
	}{
		{"DefaultClassifier", llmrouter.DefaultClassifier(), defGather},
		{"built-in model", builtin, llmrouter.GatherClassifier(builtin)},
		{"trained, 3 outputs", lin, llmrouter.GatherClassifier(lin)},
	}
	var models []llmrouter.ModelCard
	for _, m := range lin.Models() {
		models = append(models, llmrouter.ModelCard{Name: m})
	}

	newRouter := func(c llmrouter.Classifier) *llmrouter.Router {
		var ps []llmrouter.Provider
		for _, card := range []llmrouter.ModelCard{cheapCard, midCard, strongCard} {
			card.ContextWindow = 0 // no model is filtered out by size
			ps = append(ps, routertest.NewProvider(card))
		}
		r, err := llmrouter.New(ps, llmrouter.WithClassifier(c))
		require.NoError(t, err)
		return r
	}
	rStream, rGather := newRouter(llmrouter.DefaultClassifier()), newRouter(defGather)

	ctx := context.Background()
	maxDiff := make([]float64, len(pairs))
	argmaxFlips, decisionFlips := 0, 0
	chosen := map[string]int{}
	f := llmrouter.Features{}
	pred := func() llmrouter.Prediction {
		p := llmrouter.Prediction{Quality: make([]float64, len(models)), Difficulty: math.NaN()}
		for i := range p.Quality {
			p.Quality[i] = math.NaN()
		}
		return p
	}
	check := func(i int, a, b float64, what string, text string) {
		if math.IsNaN(a) && math.IsNaN(b) {
			return
		}
		d := math.Abs(a - b)
		maxDiff[i] = math.Max(maxDiff[i], d)
		require.LessOrEqual(t, d, streamDataTol*math.Max(1, math.Abs(b)), "%s %s: %g vs gather %g on %.80q", pairs[i].name, what, a, b, text)
	}
	for _, text := range prompts {
		msgs := []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, text)}
		req := llmrouter.Request{Messages: msgs}
		f.NGrams = f.NGrams[:0]
		llmrouter.DefaultAnalyzer{}.Analyze(&req, &f)
		for i, pc := range pairs {
			ps, pg := pred(), pred()
			require.NoError(t, pc.stream.Classify(ctx, &f, models, &ps))
			require.NoError(t, pc.gather.Classify(ctx, &f, models, &pg))
			check(i, ps.Difficulty, pg.Difficulty, "difficulty", text)
			require.Equal(t, pg.Label, ps.Label)
			for j := range ps.Quality {
				check(i, ps.Quality[j], pg.Quality[j], "quality", text)
			}
			if len(ps.Quality) == 2 && !math.IsNaN(ps.Quality[0]) && (ps.Quality[0] > ps.Quality[1]) != (pg.Quality[0] > pg.Quality[1]) {
				argmaxFlips++
			}
		}
		qs, _ := lin.Predict(text)
		qg, _ := lin.PredictGather(text)
		for j := range qs {
			check(2, qs[j], qg[j], "Predict", text)
		}
		ds, err := rStream.Route(ctx, msgs)
		require.NoError(t, err)
		dg, err := rGather.Route(ctx, msgs)
		require.NoError(t, err)
		if !samePlan(ds.Plan, dg.Plan) {
			decisionFlips++
		}
		chosen[ds.Model]++
	}
	for i, pc := range pairs {
		t.Logf("%s: largest difference from gather %.3g over %d prompts", pc.name, maxDiff[i], len(prompts))
	}
	t.Logf("routing decisions changed: %d of %d (chosen: %v); trained model's better-model choices changed: %d", decisionFlips, len(prompts), chosen, argmaxFlips)
	require.Greater(t, len(chosen), 1, "the router chose one model for every prompt: the comparison is empty")
	require.Zero(t, decisionFlips, "routing decisions of the default router changed")
	require.Zero(t, argmaxFlips, "the trained model's choice between its two models changed")
}

// samePlan reports whether two plans try the same models in the same order.
func samePlan(a, b []llmrouter.Step) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Model != b[i].Model {
			return false
		}
	}
	return true
}
