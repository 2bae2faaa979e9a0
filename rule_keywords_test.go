package llmrouter

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

func TestRuleFewKeywords(t *testing.T) {
	c, err := NewRuleClassifier(RuleSet{
		Rules:  []Rule{{Label: "math", Keywords: []string{"square root"}}, {Label: "geo", Keywords: []string{"capital"}}},
		Labels: map[string]map[string]float64{"math": {"a": 0.9}, "geo": {"a": 0.2}},
	})
	require.NoError(t, err)
	var f Features
	DefaultAnalyzer{}.Analyze(&Request{Messages: []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "Name the Capital of France.")}}, &f)
	p := Prediction{Quality: []float64{math.NaN()}}
	require.NoError(t, c.Classify(context.Background(), &f, []ModelCard{{Name: "a"}}, &p))
	assert.Equal(t, "geo", p.Label)
}
