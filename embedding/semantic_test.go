package embedding_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/embedding"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/embeddings"
	"github.com/tmc/langchaingo/llms"
)

// Tests of SemanticClassifier (routes, scores, cache, errors), routing a
// Router end to end, and the example.

func semanticRoutes() embedding.SemanticRoutes {
	return embedding.SemanticRoutes{Routes: []embedding.SemanticRoute{
		{
			Name:       "code",
			Utterances: []string{"write a python function", "fix this go code", "why does my program crash with a null pointer"},
			Threshold:  0.3,
			Quality:    map[string]float64{"small": 0.3, "large": 0.9},
		},
		{
			Name:       "chitchat",
			Utterances: []string{"hello how are you", "good morning", "tell me a joke"},
			Threshold:  0.3,
			Quality:    map[string]float64{"small": 0.9, "large": 0.95},
		},
	}}
}

func TestSemanticClassifierRoutes(t *testing.T) {
	models := cards("small", "large", "other")
	fallback := llmrouter.ClassifierFunc(func(_ context.Context, _ *llmrouter.Features, _ []llmrouter.ModelCard, p *llmrouter.Prediction) error {
		p.Label = "fallback"
		return nil
	})
	for _, tc := range []struct {
		name     string
		topN     int
		fallback llmrouter.Classifier
		query    string
		label    string
		small    float64 // NaN: no opinion
	}{
		{"code", 0, nil, "write a go function that reverses a list", "code", 0.3},
		{"crash", 0, nil, "my program crash", "code", 0.3},
		{"chitchat", 0, nil, "hello, how are you today?", "chitchat", 0.9},
		{"joke", 0, nil, "tell me a funny joke", "chitchat", 0.9},
		{"below every threshold", 0, nil, "the capital of france", "", math.NaN()},
		{"no text", 0, nil, "", "", math.NaN()},
		{"delegates to the fallback", 0, fallback, "the capital of france", "fallback", math.NaN()},
		// With the top 2 averaged, one strong match is not enough.
		{"top 2 of a weak match", 2, nil, "my program crash", "", math.NaN()},
		{"top 2 of a good match", 2, nil, "hello good morning how are you", "chitchat", 0.9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set := semanticRoutes()
			set.TopN = tc.topN
			set.Fallback = tc.fallback
			e := newFake(256)
			c, err := embedding.NewSemanticClassifier(context.Background(), e, set)
			require.NoError(t, err)
			assert.EqualValues(t, 1, e.docCalls.Load(), "all 6 utterances in one batch")
			p := classify(t, c, tc.query, models)
			assert.Equal(t, tc.label, p.Label)
			if math.IsNaN(tc.small) {
				assert.True(t, math.IsNaN(p.Quality[0]), "no opinion")
				assert.True(t, math.IsNaN(p.Quality[1]), "no opinion")
			} else {
				assert.Equal(t, tc.small, p.Quality[0])
				assert.Greater(t, p.Confidence, 0.3)
			}
			assert.True(t, math.IsNaN(p.Quality[2]))
		})
	}
}

func TestSemanticClassifierScoresAndCache(t *testing.T) {
	e := newFake(256)
	c, err := embedding.NewSemanticClassifier(context.Background(), e, semanticRoutes())
	require.NoError(t, err)
	s, err := c.Scores(context.Background(), "good morning")
	require.NoError(t, err)
	require.Len(t, s, 2)
	assert.InDelta(t, 1, s[1], 1e-6, "an utterance itself scores 1")
	assert.Less(t, s[0], 0.3)
	classify(t, c, "good morning", cards("small"))
	classify(t, c, "good morning", cards("small"))
	assert.EqualValues(t, 1, e.queryCalls.Load(), "one embedding for the same text")
}

func TestSemanticClassifierErrors(t *testing.T) {
	route := func(mod func(*embedding.SemanticRoute)) embedding.SemanticRoutes {
		set := semanticRoutes()
		mod(&set.Routes[1])
		return set
	}
	for _, tc := range []struct {
		name string
		e    embeddings.Embedder
		set  embedding.SemanticRoutes
		want string
	}{
		{"nil embedder", nil, semanticRoutes(), "nil embedder"},
		{"no routes", newFake(8), embedding.SemanticRoutes{}, "no routes"},
		{"no name", newFake(8), route(func(r *embedding.SemanticRoute) { r.Name = "" }), "route 1 has no name"},
		{"duplicate", newFake(8), route(func(r *embedding.SemanticRoute) { r.Name = "code" }), `routes 0 and 1 are both named "code"`},
		{"no utterances", newFake(8), route(func(r *embedding.SemanticRoute) { r.Utterances = nil }), `route "chitchat" has no utterances`},
		{"blank utterance", newFake(8), route(func(r *embedding.SemanticRoute) { r.Utterances[1] = " " }), `route "chitchat": utterance 1 is blank`},
		{"threshold", newFake(8), route(func(r *embedding.SemanticRoute) { r.Threshold = 1.5 }), "threshold 1.5 is outside [-1, 1]"},
		{"quality", newFake(8), route(func(r *embedding.SemanticRoute) { r.Quality["small"] = math.NaN() }), `quality NaN for model "small"`},
		{"negative TopN", newFake(8), func() embedding.SemanticRoutes { s := semanticRoutes(); s.TopN = -1; return s }(), "TopN -1"},
		{"zero vector", newFake(8), route(func(r *embedding.SemanticRoute) { r.Utterances[0] = "!!!" }), "zero vector"},
		{"wrong number of vectors", &fakeEmbedder{docs: func(context.Context, []string) ([][]float32, error) { return nil, nil }},
			semanticRoutes(), "embedder returned 0 vectors for 6 texts"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := embedding.NewSemanticClassifier(context.Background(), tc.e, tc.set)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tc.want)
		})
	}

	c, err := embedding.NewSemanticClassifier(context.Background(), newFake(8), semanticRoutes())
	require.NoError(t, err)
	require.NoError(t, c.Validate(cards("small", "large", "third")))
	require.EqualError(t, c.Validate(cards("small")),
		`llmrouter: semantic classifier: route "chitchat" names unknown model "large"; route "code" names unknown model "large"`)
}

// TestEmbeddingClassifierRoutesRequests: end to end through a Router, the
// classifier's predictions send calculus to the strong model and friendly
// notes to the cheap one.
func TestEmbeddingClassifierRoutesRequests(t *testing.T) {
	e := newFake(512)
	c, err := embedding.NewClassifier(context.Background(), e, toyDataset(), embedding.Config{})
	require.NoError(t, err)
	weakP := routertest.NewProvider(llmrouter.ModelCard{Name: weak, InputPerMTok: 0.2, OutputPerMTok: 0.2}, routertest.Response{Text: "from weak"})
	strongP := routertest.NewProvider(llmrouter.ModelCard{Name: strong, InputPerMTok: 10, OutputPerMTok: 30}, routertest.Response{Text: "from strong"})
	r, err := llmrouter.New([]llmrouter.Provider{weakP, strongP}, llmrouter.WithClassifier(c))
	require.NoError(t, err)

	ctx := context.Background()
	for _, tc := range []struct {
		prompt, answer, model, label string
	}{
		{"What is the integral of x squared?", "from strong", strong, "calculus"},
		{"Please write a friendly thank you note for my neighbour.", "from weak", weak, "notes"},
	} {
		resp, err := r.GenerateContent(ctx, []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, tc.prompt)})
		require.NoError(t, err)
		require.Len(t, resp.Choices, 1)
		assert.Equal(t, tc.answer, resp.Choices[0].Content)
		d, ok := llmrouter.DecisionFrom(resp)
		require.True(t, ok)
		assert.Equal(t, tc.model, d.Model)
		assert.Equal(t, tc.label, d.Prediction.Label)
	}
	assert.Equal(t, 1, weakP.CallCount())
	assert.Equal(t, 1, strongP.CallCount())
	assert.EqualValues(t, 2, e.queryCalls.Load())

	// A router whose models the data does not know is refused at start-up.
	_, err = llmrouter.New([]llmrouter.Provider{routertest.NewProvider(llmrouter.ModelCard{Name: "gpt-4"})}, llmrouter.WithClassifier(c))
	require.ErrorContains(t, err, "no router model (gpt-4) has outcomes")
}

// ExampleSemanticClassifier routes requests by their similarity to example
// utterances. The embedder here is a toy bag of words; use any langchaingo
// embedder (OpenAI, Ollama, Hugging Face, ...).
func ExampleSemanticClassifier() {
	embedder := newFake(256)
	c, err := embedding.NewSemanticClassifier(context.Background(), embedder, embedding.SemanticRoutes{
		Routes: []embedding.SemanticRoute{
			{
				Name:       "code",
				Utterances: []string{"write a python function", "fix this go code", "my program crashes"},
				Threshold:  0.3,
				Quality:    map[string]float64{"small": 0.4, "large": 0.9},
			},
			{
				Name:       "chitchat",
				Utterances: []string{"hello how are you", "tell me a joke"},
				Threshold:  0.3,
				Quality:    map[string]float64{"small": 0.9, "large": 0.95},
			},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	models := []llmrouter.ModelCard{{Name: "small"}, {Name: "large"}}
	for _, text := range []string{"Write a Go function to sort a slice", "Hello! How are you?", "What is the capital of Peru?"} {
		p := llmrouter.Prediction{Quality: []float64{math.NaN(), math.NaN()}}
		if err := c.Classify(context.Background(), &llmrouter.Features{Text: text}, models, &p); err != nil {
			fmt.Println(err)
			return
		}
		label := p.Label
		if label == "" {
			label = "(none)"
		}
		fmt.Printf("%-36q route=%-8s small=%.2f large=%.2f\n", text, label, p.Quality[0], p.Quality[1])
	}
	// Output:
	// "Write a Go function to sort a slice" route=code     small=0.40 large=0.90
	// "Hello! How are you?"                route=chitchat small=0.90 large=0.95
	// "What is the capital of Peru?"       route=(none)   small=NaN large=NaN
}
