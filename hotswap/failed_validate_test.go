package hotswap_test

import (
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/hotswap"
	"github.com/stretchr/testify/require"
)

// A model set whose validation failed belongs to no router (New failed on
// it), so later Swaps are not checked against it: a policy valid for the
// router that was built used to be refused because of a model set New had
// rejected.
func TestFailedValidateNotRemembered(t *testing.T) {
	other := []llmrouter.ModelCard{{Name: "x", InputPerMTok: 1, OutputPerMTok: 1}, {Name: "y", InputPerMTok: 2, OutputPerMTok: 2}}
	ab := llmrouter.Threshold{Strong: "b", Weak: "a"}
	bc := llmrouter.Threshold{Strong: "c", Weak: "b"}

	t.Run("policy", func(t *testing.T) {
		h := hotswap.NewPolicy(ab)
		_, err := llmrouter.New(otherProviders(other), llmrouter.WithPolicy(h))
		require.Error(t, err, "a and b are not among x and y")
		_, err = llmrouter.New(providers(), llmrouter.WithPolicy(h))
		require.NoError(t, err)
		require.NoError(t, h.Swap(bc))
	})
	t.Run("pair", func(t *testing.T) {
		h := hotswap.NewPair(nil, ab)
		_, err := llmrouter.New(otherProviders(other), llmrouter.WithClassifier(h), llmrouter.WithPolicy(h))
		require.Error(t, err)
		_, err = llmrouter.New(providers(), llmrouter.WithClassifier(h), llmrouter.WithPolicy(h))
		require.NoError(t, err)
		require.NoError(t, h.Swap(nil, bc))
	})
}

func otherProviders(cs []llmrouter.ModelCard) []llmrouter.Provider {
	ps := make([]llmrouter.Provider, len(cs))
	for i, c := range cs {
		ps[i] = llmrouter.NewProvider(c, nil)
	}
	return ps
}
