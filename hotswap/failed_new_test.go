package hotswap_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/hotswap"
	"github.com/stretchr/testify/require"
)

// namesClassifier accepts only model sets that include its model.
type namesClassifier struct{ need string }

func (c namesClassifier) Classify(context.Context, *llmrouter.Features, []llmrouter.ModelCard, *llmrouter.Prediction) error {
	return nil
}

func (c namesClassifier) Validate(models []llmrouter.ModelCard) error {
	for _, m := range models {
		if m.Name == c.need {
			return nil
		}
	}
	return fmt.Errorf("no model %q", c.need)
}

// When New fails after a holder's Validate passed (here the policy, checked
// after the classifier, names models the router lacks), no router uses the
// holder with those models: later Swaps must not be checked against them.
// The classifier holder used to remember them and refuse a classifier valid
// for the router that was built.
func TestNewFailingAfterValidateNotRemembered(t *testing.T) {
	other := []llmrouter.ModelCard{{Name: "x", InputPerMTok: 1, OutputPerMTok: 1}, {Name: "y", InputPerMTok: 2, OutputPerMTok: 2}}
	h := hotswap.NewClassifier(nil)
	_, err := llmrouter.New(otherProviders(other), llmrouter.WithClassifier(h), llmrouter.WithPolicy(llmrouter.Threshold{Strong: "b", Weak: "a"}))
	require.Error(t, err, "a and b are not among x and y")
	_, err = llmrouter.New(providers(), llmrouter.WithClassifier(h))
	require.NoError(t, err)
	require.NoError(t, h.Swap(namesClassifier{need: "a"}))
	// The built router's models still constrain Swap.
	require.Error(t, h.Swap(namesClassifier{need: "x"}))
}

// The same through Chain: a holder inside a chain whose later policy
// fails New does not remember the router's models.
func TestNewFailingInChainNotRemembered(t *testing.T) {
	other := []llmrouter.ModelCard{{Name: "x", InputPerMTok: 1, OutputPerMTok: 1}, {Name: "y", InputPerMTok: 2, OutputPerMTok: 2}}
	h := hotswap.NewPolicy(nil)
	_, err := llmrouter.New(otherProviders(other), llmrouter.WithPolicy(llmrouter.Chain(h, llmrouter.Threshold{Strong: "b", Weak: "a"})))
	require.Error(t, err, "a and b are not among x and y")
	_, err = llmrouter.New(providers(), llmrouter.WithPolicy(llmrouter.Chain(h)))
	require.NoError(t, err)
	require.NoError(t, h.Swap(llmrouter.Threshold{Strong: "b", Weak: "a"}))
	require.Error(t, h.Swap(llmrouter.Threshold{Strong: "y", Weak: "x"}))
}
