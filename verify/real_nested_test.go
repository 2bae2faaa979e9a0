package verify

import (
	"testing"

	"github.com/llmrouter/llmrouter/eval"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRealGSM8KNestedCascade pins the honest GSM8K figures: the ridge
// penalty chosen by 5-fold inner CV inside each outer training fold
// (train-verifier -l2-grid), out-of-fold scores pooled, fold seed 1, the
// cost from prices.json's per-token prices at about 4 characters a token.
func TestRealGSM8KNestedCascade(t *testing.T) {
	if testing.Short() {
		t.Skip("real-data nested CV")
	}
	ex := gsm8kExamples(t)
	var cands []TrainOptions
	for _, l2 := range []float64{0.1, 0.3, 1, 3, 10, 30, 100} {
		cands = append(cands, TrainOptions{L2: l2, Target: TargetGain})
	}
	scores, chosen, err := NestedCrossValidate(ex, 5, 5, 1, cands, nil)
	require.NoError(t, err)
	strong, weak, sc, wc := gsm8kCosts(ex)
	r, err := eval.Cascade(strong, weak, scores, sc, wc)
	require.NoError(t, err)
	t.Logf("chosen %v: APGR %.4f; 95%% of GPT-4 at %.1f%% of its cost, %.1f%% escalated", chosen, r.APGR, 100*r.CostAt95, 100*r.ShareAt95)
	assert.GreaterOrEqual(t, r.APGR, 0.72)
	assert.LessOrEqual(t, r.CostAt95, 0.55, "cost share reaching 95% of GPT-4's accuracy")
}
