package llmrouter

import (
	"context"
	"math"
	"testing"

	"github.com/llmrouter/llmrouter/internal/chatshape"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

func blendDifficulty(t *testing.T, c Classifier, text string, tools int) float64 {
	t.Helper()
	req := Request{Messages: []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, text)}}
	var f Features
	DefaultAnalyzer{}.Analyze(&req, &f)
	f.Tools = tools
	p := Prediction{Quality: []float64{math.NaN()}, Difficulty: math.NaN()}
	require.NoError(t, c.Classify(context.Background(), &f, []ModelCard{{Name: "m"}}, &p))
	return p.Difficulty
}

// TestDefaultClassifierProbes holds the served default to what
// internal/gendefault fitted: the generated probes are the generator's own
// blended logits.
func TestDefaultClassifierProbes(t *testing.T) {
	c := DefaultClassifier()
	require.IsType(t, &blendedClassifier{}, c)
	require.NotEmpty(t, defaultProbes)
	for _, p := range defaultProbes {
		// The quantiles are written to 6 decimals, the probes from the
		// generator's unrounded ones.
		assert.InDelta(t, sigmoid(p.logit), blendDifficulty(t, c, p.text, 0), 1e-4, "%q", p.text)
	}
}

// TestBlendShapeWeights checks that the shape weights and the tools weight
// enter the blend's log-odds as documented, whatever the generated weights.
func TestBlendShapeWeights(t *testing.T) {
	base := builtinClassifier().(*blendedClassifier)
	text := "Write a Python function that parses this:\n```\nx = 1\n```\nWhy? How?"
	var x [chatshape.N]float64
	req := Request{Messages: []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, text)}}
	var f Features
	DefaultAnalyzer{}.Analyze(&req, &f)
	chatshape.Signals(&chatshape.Input{Tokens: f.Tokens - f.SystemTokens, Words: f.Words, Lines: f.Lines,
		Reasoning: f.Reasoning, MultiStep: f.MultiStep, Questions: f.Questions, CodeFences: f.CodeFences,
		Code: f.Code, Math: f.Math}, &x)
	var zero [chatshape.N + 1]float64
	ref := logit(blendDifficulty(t, &blendedClassifier{trained: base.trained, trainedWeight: 1, quantiles: base.quantiles, shape: &zero}, text, 0))
	require.NotZero(t, ref, "the probe text's trained logit must not be 0, or its weight could not show")
	tests := []struct {
		name  string
		w     [chatshape.N + 1]float64
		a     float64 // the trained logit's weight
		tools int
		shift float64
	}{
		{"bias", [chatshape.N + 1]float64{0.7}, 1, 0, 0.7},
		{"code", [chatshape.N + 1]float64{0, 0, 1.5}, 1, 0, 1.5 * x[1]},
		{"questions", [chatshape.N + 1]float64{7: -0.5}, 1, 0, -0.5 * x[6]},
		{"tools", zero, 1, 2, defaultToolsWeight},
		{"trained weight 0.4", zero, 0.4, 0, -0.6 * ref},
		{"trained weight 0", [chatshape.N + 1]float64{0.7}, 0, 0, 0.7 - ref},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &blendedClassifier{trained: base.trained, trainedWeight: tt.a, quantiles: base.quantiles, shape: &tt.w}
			assert.InDelta(t, ref+tt.shift, logit(blendDifficulty(t, c, text, tt.tools)), 1e-9)
		})
	}
	assert.NotZero(t, x[1], "the probe text must look like code")
	assert.NotZero(t, x[6], "the probe text must ask questions")
}

func TestDefaultClassifierAllocs(t *testing.T) {
	c := DefaultClassifier()
	req := Request{Messages: []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, "Explain step by step why the sky is blue. Then compare it with sunsets?")}}
	var f Features
	DefaultAnalyzer{}.Analyze(&req, &f)
	models := []ModelCard{{Name: "m"}}
	p := Prediction{Quality: []float64{math.NaN()}}
	ctx := context.Background()
	assert.Zero(t, testing.AllocsPerRun(100, func() { _ = c.Classify(ctx, &f, models, &p) }))
}
