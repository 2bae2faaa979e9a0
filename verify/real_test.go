package verify

import (
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/eval"
	"github.com/llmrouter/llmrouter/internal/shareddata"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRealGSM8KCascade checks the GSM8K figures the README quotes: 5-fold
// CV grouped by prompt, pooled out-of-fold, cascade from Mixtral. (Arena
// figures are reported by the CLI; they miss the targets.)
func TestRealGSM8KCascade(t *testing.T) {
	if testing.Short() {
		t.Skip("real-data CV")
	}
	ex := gsm8kExamples(t)
	scores, err := CrossValidate(ex, 5, 1, TrainOptions{})
	require.NoError(t, err)
	strong, weak, sc, wc := gsm8kCosts(ex)
	apgr, err := eval.APGR(strong, weak, scores)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, apgr, 0.72, "pooled OOF APGR")
	r, err := eval.Cascade(strong, weak, scores, sc, wc)
	require.NoError(t, err)
	t.Logf("APGR %.4f (cascade curve %.4f); 95%% of GPT-4 at %.1f%% of its cost, %.1f%% escalated", apgr, r.APGR, 100*r.CostAt95, 100*r.ShareAt95)
	assert.Less(t, r.CostAt95, 0.60, "cost share reaching 95% of GPT-4's accuracy")
}

// gsm8kExamples is the GSM8K answers file as GPT-4 vs Mixtral examples.
func gsm8kExamples(t *testing.T) []Example {
	ds, err := dataset.Load(shareddata.Path(t, "routellm-gsm8k-answers.jsonl"))
	require.NoError(t, err)
	pairs := []Pair{{Strong: "gpt-4-1106-preview", Weak: "mistralai/Mixtral-8x7B-Instruct-v0.1"}}
	ex, _, err := Examples(ds, pairs, TargetGain)
	require.NoError(t, err)
	return ex
}

// gsm8kCosts is each example's scores and its cost per model, from
// prices.json's per-token prices (GPT-4 $10/$30, Mixtral $0.24 per million
// tokens) at about 4 characters a token.
func gsm8kCosts(ex []Example) (strong, weak, strongCost, weakCost []float64) {
	for _, e := range ex {
		strong, weak = append(strong, e.Strong), append(weak, e.Weak)
		in := float64(len([]rune(e.Prompt))) / 4
		strongCost = append(strongCost, (in*10+float64(e.StrongChars)/4*30)/1e6)
		weakCost = append(weakCost, (in*0.24+float64(e.WeakChars)/4*0.24)/1e6)
	}
	return strong, weak, strongCost, weakCost
}
