package embedding_test

import (
	"context"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/embedding"
	"github.com/stretchr/testify/assert"
)

// A Classifier or SemanticClassifier its constructor did not make (the
// zero value, documented as not usable) fails every method naming the
// constructor, so llmrouter.New refuses it through Validate. Classify,
// Neighbors and Scores panicked with a nil pointer dereference; the zero
// SemanticClassifier's Validate passed, and the zero Classifier's said no
// router model had outcomes "in the training data ()".
func TestZeroClassifiers(t *testing.T) {
	ctx := context.Background()
	models := []llmrouter.ModelCard{{Name: "a"}}
	f := &llmrouter.Features{Text: "hello"}
	t.Run("Classifier", func(t *testing.T) {
		const want = "llmrouter: embedding classifier: not made by NewClassifier (its zero value is not usable)"
		var c embedding.Classifier
		assert.EqualError(t, c.Validate(models), want)
		assert.EqualError(t, c.Classify(ctx, f, models, &llmrouter.Prediction{}), want)
		assert.EqualError(t, c.Classify(ctx, &llmrouter.Features{}, models, &llmrouter.Prediction{}), want)
		_, err := c.Neighbors(ctx, "hello", 3)
		assert.EqualError(t, err, want)
	})
	t.Run("SemanticClassifier", func(t *testing.T) {
		const want = "llmrouter: semantic classifier: not made by NewSemanticClassifier (its zero value is not usable)"
		var c embedding.SemanticClassifier
		assert.EqualError(t, c.Validate(models), want)
		assert.EqualError(t, c.Classify(ctx, f, models, &llmrouter.Prediction{}), want)
		assert.EqualError(t, c.Classify(ctx, &llmrouter.Features{}, models, &llmrouter.Prediction{}), want)
		_, err := c.Scores(ctx, "hello")
		assert.EqualError(t, err, want)
	})
}
