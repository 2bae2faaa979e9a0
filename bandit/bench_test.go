package bandit_test

import (
	"fmt"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/bandit"
	"github.com/stretchr/testify/require"
)

// routingN is routing over n models with distinct predictions.
func routingN(n int, id string) *llmrouter.Routing {
	r := &llmrouter.Routing{Features: &llmrouter.Features{Tokens: 300, Code: 0.3, Questions: 1},
		Prediction: &llmrouter.Prediction{Difficulty: 0.4}, DecisionID: id}
	for i := range n {
		m := fmt.Sprintf("m%d", i)
		r.Models = append(r.Models, llmrouter.ModelCard{Name: m})
		r.Candidates = append(r.Candidates, llmrouter.Candidate{Model: m, Index: i, Quality: 0.5 + 0.04*float64(i), Cost: 0.0001 * float64(i+1)})
	}
	return r
}

// The decision cost: the Base policy (DefaultPolicy) plus the bandit's
// choice and propensity, on a bandit that has learnt from 2,000 grades.
// With DecisionID empty the context is not kept (no pending entry): the
// pure choice; with it, the pending store's insertion too.
func BenchmarkApply(b *testing.B) {
	for _, n := range []int{3, 11} {
		for _, keep := range []bool{false, true} {
			b.Run(fmt.Sprintf("models=%d/pending=%v", n, keep), func(b *testing.B) {
				models := routingN(n, "").Models
				names := make([]string, n)
				for i, m := range models {
					names[i] = m.Name
				}
				p, err := bandit.New(names, bandit.Options{Seed: 1, CostWeight: 100, MaxPending: 1000})
				require.NoError(b, err)
				for i := range 2000 {
					id := fmt.Sprint("t", i)
					r := routingN(n, id)
					require.NoError(b, p.Apply(r))
					require.NoError(b, p.Update(id, r.Plan[0].Model, float64(i%2)))
				}
				rs := make([]*llmrouter.Routing, 64)
				ids := make([]string, 64)
				for i := range rs {
					ids[i] = fmt.Sprint("b", i)
				}
				b.ReportAllocs()
				b.ResetTimer()
				for i := range b.N {
					b.StopTimer()
					r := rs[i%64]
					if r == nil {
						r = routingN(n, "")
						rs[i%64] = r
					}
					r.Plan = r.Plan[:0]
					r.DecisionID = ""
					if keep {
						r.DecisionID = ids[i%64]
					}
					b.StartTimer()
					if err := p.Apply(r); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
