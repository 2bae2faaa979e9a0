package latency_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/latency"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/require"
)

// FastestAdequate.MinQuality outside [0,1] or NaN fails New, as
// CheapestAdequate's does; NaN, +Inf or 2 used to send every request to
// the highest-quality model whatever its latency.
func TestFastestAdequateMinQualityValidated(t *testing.T) {
	ps := []llmrouter.Provider{
		routertest.NewProvider(llmrouter.ModelCard{Name: "a", InputPerMTok: 1, OutputPerMTok: 1, Quality: 0.5}),
		routertest.NewProvider(llmrouter.ModelCard{Name: "b", InputPerMTok: 5, OutputPerMTok: 5, Quality: 0.9}),
	}
	for _, q := range []float64{math.NaN(), math.Inf(1), 2, -1} {
		t.Run(fmt.Sprint(q), func(t *testing.T) {
			_, err := llmrouter.New(ps, llmrouter.WithPolicy(llmrouter.DefaultPolicy(latency.FastestAdequate{MinQuality: q})))
			require.ErrorContains(t, err, fmt.Sprintf("MinQuality %v", q))
		})
	}
	_, err := llmrouter.New(ps, llmrouter.WithPolicy(latency.FastestAdequate{MinQuality: 0.8}))
	require.NoError(t, err)
}
