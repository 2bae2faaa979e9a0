package llmrouter_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/require"
)

// CheapestAdequate.MinQuality outside [0,1] or NaN fails New, as a NaN
// Threshold cutoff does: NaN, +Inf or 2 used to send every request to
// the highest-quality (dearest) model, and -1 to act as the default 0.7.
func TestCheapestAdequateMinQualityValidated(t *testing.T) {
	ps := []llmrouter.Provider{
		routertest.NewProvider(llmrouter.ModelCard{Name: "a", InputPerMTok: 1, OutputPerMTok: 1, Quality: 0.5}),
		routertest.NewProvider(llmrouter.ModelCard{Name: "b", InputPerMTok: 5, OutputPerMTok: 5, Quality: 0.9}),
	}
	for _, q := range []float64{math.NaN(), math.Inf(1), 2, -1} {
		t.Run(fmt.Sprint(q), func(t *testing.T) {
			_, err := llmrouter.New(ps, llmrouter.WithPolicy(llmrouter.CheapestAdequate{MinQuality: q}))
			require.ErrorContains(t, err, fmt.Sprintf("MinQuality %v", q))
			_, err = llmrouter.New(ps, llmrouter.WithPolicy(llmrouter.DefaultPolicy(llmrouter.CheapestAdequate{MinQuality: q})))
			require.ErrorContains(t, err, "MinQuality", "inside DefaultPolicy too")
		})
	}
	for _, q := range []float64{0, 0.5, 1} {
		_, err := llmrouter.New(ps, llmrouter.WithPolicy(llmrouter.CheapestAdequate{MinQuality: q}))
		require.NoError(t, err)
	}
}
