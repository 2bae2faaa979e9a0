package main

import (
	"fmt"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// costStream is six rows of two models with recorded costs, row i's costs
// scaled by scale[i] (1 when scale is short).
func costStream(scale map[int]float64) *dataset.Dataset {
	rows := recs("alpha", "bravo bravo", "charlie", "delta delta delta", "echo", "foxtrot foxtrot")
	for i := range rows {
		f := 1.0
		if s, ok := scale[i]; ok {
			f = s
		}
		rows[i].Outcomes = map[string]dataset.Outcome{
			"x": dataset.Outcome{Score: float64(i%2) * 0.8}.WithCost(f * 0.001 * float64(1+i)),
			"y": dataset.Outcome{Score: 0.5}.WithCost(f * 0.0001 * float64(1+i%3)),
		}
	}
	return &dataset.Dataset{Records: rows}
}

// With recorded costs the cards' prices per token are cross-fitted as
// their Quality is: the cards a request is routed by are priced by the
// other groups' recorded costs, never its own (a request's cost is an
// outcome: its answer's length). With -prior-folds 0 every card has the
// whole stream's price. Either way the fake provider reports the usage
// the request's cards price at the recorded cost, so the bandit is
// charged what the row cost.
func TestFoldPricesLeaveOwnCostOut(t *testing.T) {
	for _, k := range []int{0, 2, 3} {
		t.Run(fmt.Sprintf("prior-folds %d", k), func(t *testing.T) {
			f := &simFlags{seed: 3, priorFolds: k, outTokens: 256}
			s, err := newSim(costStream(nil), f)
			require.NoError(t, err)
			for i := range s.rows {
				for m := range s.models {
					in, out := s.usage(i, m)
					c := s.foldCards[s.group[i]][m]
					charged := (float64(in)*c.InputPerMTok + float64(out)*c.OutputPerMTok) / 1e6
					assert.InDelta(t, s.cost[i][m], charged, c.InputPerMTok/1e6, "row %d, model %s: charged the recorded cost", i, s.models[m])
				}
			}
			if k == 0 {
				for m := range s.models {
					assert.Equal(t, s.cards[m].InputPerMTok, s.foldCards[0][m].InputPerMTok, "in-sample: the whole stream's price")
				}
				return
			}
			for i := range s.rows {
				changed, err := newSim(costStream(map[int]float64{i: 7}), &simFlags{seed: 3, priorFolds: k, outTokens: 256})
				require.NoError(t, err)
				require.Equal(t, s.group, changed.group)
				for m := range s.models {
					assert.Equal(t, s.foldCards[s.group[i]][m].InputPerMTok, changed.foldCards[s.group[i]][m].InputPerMTok,
						"row %d's own cost moved the price of the cards it is routed by (model %s)", i, s.models[m])
					assert.NotEqual(t, s.cards[m].InputPerMTok, changed.cards[m].InputPerMTok, "the whole stream's price moves")
				}
			}
		})
	}
}
