package bandit_test

import (
	"bytes"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/bandit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A finite reward far beyond any quality − λ·cost is refused, as ReadFrom
// refuses such a prior: two updates of 1e308 overflowed the arm's sums to
// +Inf, and the policy then wrote a state its own ReadFrom refuses
// ("vector entry is not finite"), losing everything learnt with it.
func TestUpdateRefusesHugeReward(t *testing.T) {
	for _, reward := range []float64{1e308, -1e308, 2e15} {
		p, err := bandit.New(names, bandit.Options{Seed: 1})
		require.NoError(t, err)
		for _, id := range []string{"d0", "d1"} {
			r := routing(id, 1, 0.01, 0.02, 0.03)
			require.NoError(t, llmrouter.DefaultPolicy().Apply(r))
			r.Plan = nil
			require.NoError(t, p.Apply(r))
			err = p.Update(id, "a", reward)
			require.Error(t, err, "reward %v", reward)
			assert.Contains(t, err.Error(), "reward")
			require.NoError(t, p.Update(id, "a", 0.5), "the decision can still be graded")
		}
		var b bytes.Buffer
		_, err = p.WriteTo(&b)
		require.NoError(t, err)
		q, err := bandit.New(names, bandit.Options{Seed: 1})
		require.NoError(t, err)
		_, err = q.ReadFrom(&b)
		require.NoError(t, err, "the state written reads back")
	}
}
