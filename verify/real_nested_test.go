package verify

import (
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/eval"
	"github.com/llmrouter/llmrouter/internal/shareddata"
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
	ds, err := dataset.Load(shareddata.Path(t, "routellm-gsm8k-answers.jsonl"))
	require.NoError(t, err)
	pairs := []Pair{{Strong: "gpt-4-1106-preview", Weak: "mistralai/Mixtral-8x7B-Instruct-v0.1"}}
	ex, _, err := Examples(ds, pairs, TargetGain)
	require.NoError(t, err)
	var cands []TrainOptions
	for _, l2 := range []float64{0.1, 0.3, 1, 3, 10, 30, 100} {
		cands = append(cands, TrainOptions{L2: l2, Target: TargetGain})
	}
	scores, chosen, err := NestedCrossValidate(ex, 5, 5, 1, cands, nil)
	require.NoError(t, err)
	var strong, weak, sc, wc []float64
	for _, e := range ex {
		strong, weak = append(strong, e.Strong), append(weak, e.Weak)
		in := float64(len([]rune(e.Prompt))) / 4
		sc = append(sc, (in*10+float64(e.StrongChars)/4*30)/1e6)
		wc = append(wc, (in*0.24+float64(e.WeakChars)/4*0.24)/1e6)
	}
	r, err := eval.Cascade(strong, weak, scores, sc, wc)
	require.NoError(t, err)
	t.Logf("chosen %v: APGR %.4f; 95%% of GPT-4 at %.1f%% of its cost, %.1f%% escalated", chosen, r.APGR, 100*r.CostAt95, 100*r.ShareAt95)
	assert.GreaterOrEqual(t, r.APGR, 0.72)
	assert.LessOrEqual(t, r.CostAt95, 0.55, "cost share reaching 95% of GPT-4's accuracy")
}
