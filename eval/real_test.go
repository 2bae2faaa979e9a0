package eval

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/internal/shareddata"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	gpt4    = "gpt-4-1106-preview"
	mixtral = "mistralai/Mixtral-8x7B-Instruct-v0.1"
)

func loadReal(t *testing.T, file string) *dataset.Dataset {
	t.Helper()
	ds, err := dataset.Load(shareddata.Path(t, file))
	require.NoError(t, err)
	return ds
}

// plotDir is where tests write their figures: $EVAL_PLOT_DIR when set
// (to look at them), else a temporary directory.
func plotDir(t *testing.T) string {
	if d := os.Getenv("EVAL_PLOT_DIR"); d != "" {
		require.NoError(t, os.MkdirAll(d, 0o755))
		return d
	}
	return t.TempDir()
}

func pair(ds *dataset.Dataset) (strong, weak []float64, prompts []string) {
	for _, r := range ds.Records {
		strong = append(strong, r.Outcomes[gpt4].Score)
		weak = append(weak, r.Outcomes[mixtral].Score)
		prompts = append(prompts, r.Prompt)
	}
	return strong, weak, prompts
}

func TestRealBinaryBaselines(t *testing.T) {
	for _, tc := range []struct{ file, name string }{
		{"routellm-mmlu.jsonl", "MMLU"},
		{"routellm-gsm8k.jsonl", "GSM8K"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds := loadReal(t, tc.file)
			strong, weak, prompts := pair(ds)

			draws := 40
			if testing.Short() {
				draws = 10
			}
			randMean, randSD, err := SimulatedRandomAPGR(strong, weak, draws, 1)
			require.NoError(t, err)
			assert.InDelta(t, 0.5, randMean, 0.02, "random routers average APGR 0.5")

			oracle, err := OracleCurve(strong, weak, nil)
			require.NoError(t, err)
			oracleDec, err := OracleCurve(strong, weak, DecileShares())
			require.NoError(t, err)
			assert.Greater(t, oracle.APGR(), randMean+0.1)
			assert.Greater(t, oracleDec.APGR(), randMean+0.1)

			length, err := EvaluateBinary(strong, weak, LengthScores(prompts))
			require.NoError(t, err)
			assert.Greater(t, length.APGR, 0.4)
			assert.Less(t, length.APGR, oracle.APGR())

			t.Logf("%s: n=%d q_strong=%.4f q_weak=%.4f", tc.name, len(strong), length.StrongQuality, length.WeakQuality)
			t.Logf("%s: random APGR %.4f ± %.4f (%d seeded draws; analytic 0.5)", tc.name, randMean, randSD, draws)
			t.Logf("%s: oracle APGR exact %.4f, at deciles %.4f", tc.name, oracle.APGR(), oracleDec.APGR())
			t.Logf("%s: length router APGR %.4f (deciles), %.4f (exact); CPT50 %.3f CPT80 %.3f",
				tc.name, length.APGR, length.StepAPGR, length.CPT50, length.CPT80)

			p, err := PGRPlot(tc.name+": GPT-4 vs Mixtral, routed by prompt length",
				[]NamedCurve{{Name: "prompt length (deciles)", Curve: length.Deciles}, {Name: "prompt length (exact)", Curve: length.Step}},
				&oracle)
			require.NoError(t, err)
			path := filepath.Join(plotDir(t), "pgr-"+tc.name+".png")
			require.NoError(t, SavePlot(p, path))
			st, err := os.Stat(path)
			require.NoError(t, err)
			assert.Greater(t, st.Size(), int64(5000))
		})
	}
}

// TestRealRouterBench evaluates, on RouterBench's test split, the
// baselines and a simple task-prior router: the predicted quality of a
// model on a prompt is its mean score on the prompt's task in the training
// split, its decision cost its mean training cost.
func TestRealRouterBench(t *testing.T) {
	train := loadReal(t, "routerbench-train.jsonl")
	test := loadReal(t, "routerbench-test.jsonl")
	models := train.Models()
	require.Len(t, models, 11)
	m, err := NewMatrix(test, models)
	require.NoError(t, err)

	trainM, err := NewMatrix(train, models)
	require.NoError(t, err)
	decisionCost := trainM.MeanCosts()
	prior := map[string][]float64{}
	for task := range train.Tasks() {
		tm, err := NewMatrix(train.FilterTasks(task), models)
		require.NoError(t, err)
		prior[task] = tm.MeanScores()
	}
	pred := make([][]float64, test.Len())
	for i, r := range test.Records {
		pred[i] = prior[r.Task]
	}

	rep, err := EvaluateMulti(pred, decisionCost, m, MultiOptions{})
	require.NoError(t, err)
	assert.Equal(t, gpt4, rep.Best.Label)
	assert.InDelta(t, 0.880, rep.Best.Quality, 0.0005)
	assert.InDelta(t, 0.00500, rep.Best.Cost, 0.000005)
	for _, s := range rep.Singles {
		t.Logf("single %-36s cost %.5f  quality %.4f", s.Label, s.Cost, s.Quality)
	}
	t.Logf("oracle: cost %.5f quality %.4f", rep.Oracle.Cost, rep.Oracle.Quality)
	for _, r := range rep.Reach {
		t.Logf("reach %.0f%% of %s: router %.3f, router hull %.3f, two-model mix %.3f, oracle %.3f (fractions of its cost)",
			100*r.Target, rep.Best.Label, r.Router, r.RouterHull, r.Mix, r.Oracle)
	}
	assert.Greater(t, rep.Oracle.Quality, rep.Best.Quality)
	assert.Less(t, rep.Oracle.Cost, rep.Best.Cost)
	// A router can only do as well as its best operating point.
	assert.LessOrEqual(t, rep.Hull[len(rep.Hull)-1].Quality, rep.Oracle.Quality)

	p, err := CostQualityPlot("RouterBench test: task-prior router vs single models", rep)
	require.NoError(t, err)
	require.NoError(t, SavePlot(p, filepath.Join(plotDir(t), "cost-quality-routerbench.png")))
	require.NoError(t, SavePlot(p, filepath.Join(plotDir(t), "cost-quality-routerbench.svg")))
}

func TestRealFoldsKeepDuplicatePrompts(t *testing.T) {
	ds := loadReal(t, "routellm-mmlu.jsonl")
	folds, err := DatasetFolds(ds, 5, 7, true)
	require.NoError(t, err)
	where := map[string]int{}
	total := 0
	for f, fold := range folds {
		total += len(fold.Test)
		for _, i := range fold.Test {
			p := ds.Records[i].Prompt
			if g, ok := where[p]; ok {
				require.Equal(t, g, f, "duplicate prompt split across folds")
			}
			where[p] = f
		}
		assert.InDelta(t, ds.Len()/5, len(fold.Test), 60)
	}
	assert.Equal(t, ds.Len(), total)
}
