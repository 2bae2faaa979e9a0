package llmrouter_test

import (
	"context"
	"math"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/eval"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// difficultyOf runs the analyzer and a classifier over one prompt.
func difficultyOf(t testing.TB, c llmrouter.Classifier, text string) float64 {
	req := llmrouter.Request{Messages: []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, text)}}
	var f llmrouter.Features
	llmrouter.DefaultAnalyzer{}.Analyze(&req, &f)
	p := llmrouter.Prediction{Quality: []float64{math.NaN()}, Difficulty: math.NaN()}
	require.NoError(t, c.Classify(context.Background(), &f, []llmrouter.ModelCard{{Name: "m"}}, &p))
	return p.Difficulty
}

func TestDefaultClassifierPredictsDifficulty(t *testing.T) {
	c := llmrouter.DefaultClassifier()
	easy := difficultyOf(t, c, "What is the capital of Australia?")
	hard := difficultyOf(t, c, "Prove that there are infinitely many primes, and explain why the argument fails without adding 1. Derive the bound step by step.")
	assert.Less(t, easy, 0.5)
	assert.Greater(t, hard, 0.5)
	for _, d := range []float64{easy, hard, difficultyOf(t, c, ""), difficultyOf(t, c, "\xff\xfe")} {
		assert.True(t, d >= 0 && d <= 1, "difficulty %v outside [0,1]", d)
	}
}

// TestDefaultClassifierOnData measures the default classifier on the shared
// outcome data: GPT-4 vs Mixtral APGR where the data has both, and on
// RouterBench's held-out split the cost of reaching 95% of GPT-4's quality
// across all 11 models, each model's difficulty-mapped quality using its
// mean training score as its card's prior. Its figures are in BENCHMARKS.md:
//
//	go test -run TestDefaultClassifierOnData -v .
func TestDefaultClassifierOnData(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the shared data; skipped with -short")
	}
	const gpt4 = "gpt-4-1106-preview"
	classifiers := []struct {
		name string
		c    llmrouter.Classifier
	}{{"default", llmrouter.DefaultClassifier()}, {"heuristic", llmrouter.HeuristicClassifier{}}}
	trained, err := llmrouter.DefaultLinearClassifier()
	require.NoError(t, err)
	classifiers = append(classifiers, struct {
		name string
		c    llmrouter.Classifier
	}{"trained only", trained})

	for _, file := range []struct{ name, weak string }{
		{"routellm-mtbench.jsonl", "mistralai/Mixtral-8x7B-Instruct-v0.1"},
		{"routerbench-test.jsonl", "mistralai/mixtral-8x7b-chat"},
	} {
		ds := loadShared(t, file.name)
		var strong, weak, length []float64
		for _, r := range ds.Records {
			strong = append(strong, r.Outcomes[gpt4].Score)
			weak = append(weak, r.Outcomes[file.weak].Score)
			length = append(length, float64(len(r.Prompt)))
		}
		base, err := eval.APGR(strong, weak, length)
		require.NoError(t, err)
		for _, cl := range classifiers {
			scores := make([]float64, len(ds.Records))
			for i, r := range ds.Records {
				scores[i] = difficultyOf(t, cl.c, r.Prompt)
			}
			apgr, err := eval.APGR(strong, weak, scores)
			require.NoError(t, err)
			t.Logf("%s: %-12s APGR %.3f (prompt length %.3f)", file.name, cl.name, apgr, base)
			if cl.name == "default" && file.name == "routerbench-test.jsonl" {
				assert.Greater(t, apgr, base+0.05, "the default must beat routing by length on held-out data")
			}
		}
	}

	train := loadShared(t, "routerbench-train.jsonl")
	test := loadShared(t, "routerbench-test.jsonl")
	models := test.Models()
	m, err := eval.NewMatrix(test, models)
	require.NoError(t, err)
	prior := make([]float64, len(models))
	decisionCost := make([]float64, len(models))
	for j, name := range models {
		prior[j], _ = train.MeanScore(name)
		decisionCost[j], _ = train.MeanCost(name)
	}
	for _, cl := range classifiers {
		pred := make([][]float64, len(test.Records))
		for i, r := range test.Records {
			d := difficultyOf(t, cl.c, r.Prompt)
			pred[i] = make([]float64, len(models))
			for j := range models {
				pred[i][j] = llmrouter.QualityForDifficulty(d, prior[j])
			}
		}
		rep, err := eval.EvaluateMulti(pred, decisionCost, m, eval.MultiOptions{})
		require.NoError(t, err)
		r95 := rep.Reach[0]
		t.Logf("routerbench-test, 11 models: %-12s 95%% of %s's quality at %.3f of its cost (hull %.3f; random mix of single models %.3f)",
			cl.name, rep.Best.Label, r95.Router, r95.RouterHull, r95.Mix)
		if cl.name == "default" {
			assert.Less(t, r95.RouterHull, r95.Mix, "the default must beat mixing single models")
		}
	}
}
