package embedding_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/embedding"
	"github.com/llmrouter/llmrouter/eval"
	"github.com/llmrouter/llmrouter/internal/linear"
	"github.com/llmrouter/llmrouter/internal/shareddata"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/embeddings"
	"github.com/tmc/langchaingo/llms"
)

// fakeEmbedder is a deterministic embeddings.Embedder: by default a bag of
// hashed word unigrams and bigrams (internal/linear.HashNGrams) folded into dim
// buckets, left unnormalised so the classifiers' normalisation is tested.
// It counts its calls and records each batch's size.
type fakeEmbedder struct {
	dim int
	// vec overrides the bag of words when set.
	vec func(text string) []float32
	// docs, when set, replaces EmbedDocuments' answer.
	docs func(ctx context.Context, texts []string) ([][]float32, error)

	docCalls   atomic.Int64
	queryCalls atomic.Int64
	mu         sync.Mutex
	batches    []int
}

var _ embeddings.Embedder = (*fakeEmbedder)(nil)

func newFake(dim int) *fakeEmbedder { return &fakeEmbedder{dim: dim} }

func (e *fakeEmbedder) embed(text string) []float32 {
	if e.vec != nil {
		return e.vec(text)
	}
	v := make([]float32, e.dim)
	for _, h := range linear.HashNGrams(nil, text, 0) {
		v[h%uint32(e.dim)]++
	}
	return v
}

func (e *fakeEmbedder) EmbedDocuments(ctx context.Context, texts []string) ([][]float32, error) {
	e.docCalls.Add(1)
	e.mu.Lock()
	e.batches = append(e.batches, len(texts))
	e.mu.Unlock()
	if e.docs != nil {
		return e.docs(ctx, texts)
	}
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = e.embed(t)
	}
	return out, nil
}

func (e *fakeEmbedder) EmbedQuery(ctx context.Context, text string) ([]float32, error) {
	e.queryCalls.Add(1)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return e.embed(text), nil
}

func (e *fakeEmbedder) batchSizes() []int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]int(nil), e.batches...)
}

// vectors returns an embedder answering from a fixed table.
func vectors(table map[string][]float32) *fakeEmbedder {
	return &fakeEmbedder{vec: func(t string) []float32 {
		v, ok := table[t]
		if !ok {
			panic("no vector for " + t)
		}
		return append([]float32(nil), v...)
	}}
}

const (
	strong = "strong"
	weak   = "weak"
)

func outcomes(s, w float64) map[string]dataset.Outcome {
	return map[string]dataset.Outcome{strong: {Score: s}, weak: {Score: w}}
}

// toyDataset: calculus questions only the strong model gets right, and
// friendly notes both models write well.
func toyDataset() *dataset.Dataset {
	math := []string{
		"compute the integral of x squared from zero to one",
		"find the derivative of sine x times cosine x",
		"solve the integral of e to the power x",
		"what is the derivative of x cubed",
		"evaluate the definite integral of one over x",
	}
	chat := []string{
		"write a friendly greeting for my neighbour",
		"say hello to my friend in a friendly way",
		"write a short friendly thank you note",
		"suggest a friendly greeting for a birthday card",
	}
	ds := &dataset.Dataset{}
	for i, p := range math {
		ds.Records = append(ds.Records, dataset.Record{ID: fmt.Sprint("math/", i), Task: "calculus", Prompt: p, Outcomes: outcomes(1, 0)})
	}
	for i, p := range chat {
		ds.Records = append(ds.Records, dataset.Record{ID: fmt.Sprint("chat/", i), Task: "notes", Prompt: p, Outcomes: outcomes(1, 1)})
	}
	return ds
}

func cards(names ...string) []llmrouter.ModelCard {
	out := make([]llmrouter.ModelCard, len(names))
	for i, n := range names {
		out[i] = llmrouter.ModelCard{Name: n}
	}
	return out
}

func newPrediction(n int) *llmrouter.Prediction {
	p := &llmrouter.Prediction{Quality: make([]float64, n), Difficulty: math.NaN()}
	for i := range p.Quality {
		p.Quality[i] = math.NaN()
	}
	return p
}

func classify(t testing.TB, c llmrouter.Classifier, text string, models []llmrouter.ModelCard) *llmrouter.Prediction {
	t.Helper()
	p := newPrediction(len(models))
	require.NoError(t, c.Classify(context.Background(), &llmrouter.Features{Text: text}, models, p))
	return p
}

func TestEmbeddingClassifierBatches(t *testing.T) {
	for _, tc := range []struct {
		prompts, batch, wantCalls int
	}{
		{1, 0, 1},
		{64, 0, 1},
		{65, 0, 2},
		{200, 0, 4},
		{10, 3, 4},
		{7, 1, 7},
		{100, 100, 1},
	} {
		t.Run(fmt.Sprintf("%d/%d", tc.prompts, tc.batch), func(t *testing.T) {
			ds := &dataset.Dataset{}
			for i := range tc.prompts {
				ds.Records = append(ds.Records, dataset.Record{ID: fmt.Sprint(i), Prompt: fmt.Sprintf("prompt number %d", i), Outcomes: outcomes(1, 0)})
			}
			e := newFake(64)
			c, err := embedding.NewClassifier(context.Background(), e, ds, embedding.Config{BatchSize: tc.batch, Concurrency: 3})
			require.NoError(t, err)
			assert.EqualValues(t, tc.wantCalls, e.docCalls.Load(), "EmbedDocuments calls")
			batch := tc.batch
			if batch == 0 {
				batch = embedding.DefaultBatchSize
			}
			total := 0
			for _, n := range e.batchSizes() {
				assert.LessOrEqual(t, n, batch)
				total += n
			}
			assert.Equal(t, tc.prompts, total)
			assert.Equal(t, tc.prompts, c.Len())
			assert.Equal(t, 64, c.Dim())
			assert.Zero(t, e.queryCalls.Load())
		})
	}
}

func TestEmbeddingClassifierEmbedsDuplicatePromptsOnce(t *testing.T) {
	ds := &dataset.Dataset{Records: []dataset.Record{
		{ID: "1", Prompt: "same text", Outcomes: outcomes(1, 0)},
		{ID: "2", Prompt: "same text", Outcomes: outcomes(0, 0)},
		{ID: "3", Prompt: "other text", Outcomes: outcomes(1, 1)},
		{ID: "4", Messages: []byte(`[]`), Outcomes: outcomes(1, 1)}, // no prompt text: left out
	}}
	e := newFake(16)
	c, err := embedding.NewClassifier(context.Background(), e, ds, embedding.Config{})
	require.NoError(t, err)
	assert.Equal(t, []int{2}, e.batchSizes())
	assert.Equal(t, 3, c.Len())
}

func TestEmbeddingClassifierCachesQueries(t *testing.T) {
	models := cards(strong, weak)
	for _, tc := range []struct {
		name      string
		cacheSize int
		queries   []string
		wantCalls int64
	}{
		{"same text twice", 0, []string{"integral of x", "integral of x"}, 1},
		{"two texts", 0, []string{"integral of x", "hello friend", "integral of x", "hello friend"}, 2},
		{"eviction", 2, []string{"a b", "c d", "e f", "a b"}, 4},
		{"recency", 2, []string{"a b", "c d", "a b", "e f", "a b"}, 3},
		{"disabled", -1, []string{"a b", "a b", "a b"}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFake(64)
			c, err := embedding.NewClassifier(context.Background(), e, toyDataset(), embedding.Config{CacheSize: tc.cacheSize})
			require.NoError(t, err)
			for _, q := range tc.queries {
				classify(t, c, q, models)
			}
			assert.Equal(t, tc.wantCalls, e.queryCalls.Load())
		})
	}
}

func TestEmbeddingClassifierBuildCancellation(t *testing.T) {
	ds := &dataset.Dataset{}
	for i := range 1000 {
		ds.Records = append(ds.Records, dataset.Record{ID: fmt.Sprint(i), Prompt: fmt.Sprint("prompt ", i), Outcomes: outcomes(1, 0)})
	}

	t.Run("cancelled during the batches", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		e := newFake(8)
		// The first call cancels; every call then waits for the
		// cancellation, as a real client's HTTP request would.
		e.docs = func(ctx context.Context, texts []string) ([][]float32, error) {
			cancel()
			<-ctx.Done()
			return nil, ctx.Err()
		}
		const conc = 2
		_, err := embedding.NewClassifier(ctx, e, ds, embedding.Config{BatchSize: 1, Concurrency: conc})
		require.ErrorIs(t, err, context.Canceled)
		// 1000 batches were due; only those already started ran.
		assert.LessOrEqual(t, e.docCalls.Load(), int64(conc+1))
	})

	t.Run("cancelled before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		e := newFake(8)
		_, err := embedding.NewClassifier(ctx, e, ds, embedding.Config{})
		require.ErrorIs(t, err, context.Canceled)
		assert.Zero(t, e.docCalls.Load())
	})

	t.Run("a failed batch stops the rest", func(t *testing.T) {
		boom := errors.New("boom")
		e := newFake(8)
		e.docs = func(ctx context.Context, texts []string) ([][]float32, error) { return nil, boom }
		_, err := embedding.NewClassifier(context.Background(), e, ds, embedding.Config{BatchSize: 1, Concurrency: 1})
		require.ErrorIs(t, err, boom)
		assert.EqualValues(t, 1, e.docCalls.Load())
	})
}

func TestEmbeddingClassifierClassifyHonoursContext(t *testing.T) {
	e := newFake(64)
	c, err := embedding.NewClassifier(context.Background(), e, toyDataset(), embedding.Config{})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	models := cards(strong, weak)
	err = c.Classify(ctx, &llmrouter.Features{Text: "integral of x"}, models, newPrediction(2))
	require.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, e.queryCalls.Load(), "no call once the context is done")

	// A cached text needs no call, so it classifies even then.
	classify(t, c, "integral of x", models)
	require.NoError(t, c.Classify(ctx, &llmrouter.Features{Text: "integral of x"}, models, newPrediction(2)))
}

func TestEmbeddingClassifierErrors(t *testing.T) {
	good := toyDataset()
	dimOf := func(f func(string) int) *fakeEmbedder {
		return &fakeEmbedder{vec: func(t string) []float32 {
			v := make([]float32, f(t))
			v[0] = 1
			return v
		}}
	}
	for _, tc := range []struct {
		name string
		e    embeddings.Embedder
		ds   *dataset.Dataset
		cfg  embedding.Config
		want string
	}{
		{"nil embedder", nil, good, embedding.Config{}, "nil embedder"},
		{"nil dataset", newFake(8), nil, embedding.Config{}, "empty dataset"},
		{"empty dataset", newFake(8), &dataset.Dataset{}, embedding.Config{}, "empty dataset"},
		{"no prompts", newFake(8), &dataset.Dataset{Records: []dataset.Record{{ID: "1", Messages: []byte("[]"), Outcomes: outcomes(1, 0)}}},
			embedding.Config{}, "no record of the dataset has a prompt"},
		{"score out of range", newFake(8), &dataset.Dataset{Records: []dataset.Record{{ID: "x", Prompt: "p", Outcomes: outcomes(2, 0)}}},
			embedding.Config{}, `record "x": score 2`},
		{"negative K", newFake(8), good, embedding.Config{K: -1}, "K -1 is negative"},
		{"negative temperature", newFake(8), good, embedding.Config{Temperature: -1}, "temperature"},
		{"NaN temperature", newFake(8), good, embedding.Config{Temperature: math.NaN()}, "temperature"},
		{"MinSimilarity 1", newFake(8), good, embedding.Config{MinSimilarity: 1}, "MinSimilarity"},
		{"negative batch", newFake(8), good, embedding.Config{BatchSize: -2}, "batch size -2"},
		{"wrong number of vectors", &fakeEmbedder{docs: func(_ context.Context, texts []string) ([][]float32, error) {
			return make([][]float32, len(texts)-1), nil
		}}, good, embedding.Config{}, "embedder returned 8 vectors for 9 texts"},
		{"dimension mismatch", dimOf(func(t string) int { return 4 + len(t)%2 }), good, embedding.Config{}, "dimension mismatch"},
		{"zero vector", newFake(8), &dataset.Dataset{Records: []dataset.Record{{ID: "1", Prompt: "?!", Outcomes: outcomes(1, 0)}}},
			embedding.Config{}, "zero vector"},
		{"NaN", &fakeEmbedder{vec: func(string) []float32 { return []float32{1, float32(math.NaN())} }}, good,
			embedding.Config{}, "non-finite value NaN at dimension 1"},
		{"empty vector", &fakeEmbedder{vec: func(string) []float32 { return nil }}, good, embedding.Config{}, "empty embedding"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := embedding.NewClassifier(context.Background(), tc.e, tc.ds, tc.cfg)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tc.want)
			assert.True(t, strings.HasPrefix(err.Error(), "llmrouter: "), err.Error())
		})
	}

	t.Run("query of another dimension", func(t *testing.T) {
		e := newFake(8)
		c, err := embedding.NewClassifier(context.Background(), e, good, embedding.Config{})
		require.NoError(t, err)
		e.vec = func(string) []float32 { return []float32{1, 2, 3} }
		err = c.Classify(context.Background(), &llmrouter.Features{Text: "hi"}, cards(strong), newPrediction(1))
		require.ErrorContains(t, err, "the request embeds to 3 dimensions, the training data to 8")
	})
}

// TestEmbeddingClassifierArithmetic checks the weighting and shrinkage on
// vectors small enough to work out by hand.
func TestEmbeddingClassifierArithmetic(t *testing.T) {
	e := vectors(map[string][]float32{
		"a": {1, 0}, "b": {0, 1}, "c": {-1, 0},
		"q-a": {2, 0}, "q-ab": {1, 1}, "q-c": {-1, 0.0001}, "q-far": {0, -1},
	})
	ds := &dataset.Dataset{Records: []dataset.Record{
		{ID: "a", Task: "A", Prompt: "a", Outcomes: outcomes(1, 0)},
		{ID: "b", Task: "B", Prompt: "b", Outcomes: outcomes(0, 0)},
		{ID: "c", Task: "C", Prompt: "c", Outcomes: map[string]dataset.Outcome{weak: {Score: 1}}},
	}}
	// Global means: strong (1+0)/2 = 0.5 over a and b; weak 1/3.
	models := cards(strong, weak, "unknown")
	c, err := embedding.NewClassifier(context.Background(), e, ds, embedding.Config{Prior: 2})
	require.NoError(t, err)
	r2 := math.Sqrt2 / 2
	for _, tc := range []struct {
		query          string
		strong, weak   float64
		label          string
		confidence     float64
		confidenceNote string
	}{
		// Only a is positively similar (s = 1, reach 1, weight 1):
		// strong (1·1 + 2·0.5)/(1+2), weak (1·0 + 2/3)/3.
		{"q-a", 2.0 / 3, (2.0 / 3) / 3, "A", 1.0 / 3, "1/(1+2)"},
		// a and b at s = √2/2: reach √2/2, weights √2/2 each.
		{"q-ab", (r2 + 1) / (2*r2 + 2), (2.0 / 3) / (2*r2 + 2), "A", 2 * r2 / (2*r2 + 2), "ties go to the earlier record"},
		// Only c (s ≈ 1), which has no strong score: strong gets its mean.
		{"q-c", 0.5, (1 + 2.0/3) / 3, "C", 1.0 / 3, ""},
		// No neighbour: the global means, no label, no confidence.
		{"q-far", 0.5, 1.0 / 3, "", 0, ""},
	} {
		t.Run(tc.query, func(t *testing.T) {
			p := classify(t, c, tc.query, models)
			assert.InDelta(t, tc.strong, p.Quality[0], 1e-4)
			assert.InDelta(t, tc.weak, p.Quality[1], 1e-4)
			assert.True(t, math.IsNaN(p.Quality[2]), "a model the data does not know gets NaN")
			assert.Equal(t, tc.label, p.Label)
			assert.InDelta(t, tc.confidence, p.Confidence, 1e-4, tc.confidenceNote)
			assert.True(t, math.IsNaN(p.Difficulty))
		})
	}

	t.Run("no shrinkage", func(t *testing.T) {
		c, err := embedding.NewClassifier(context.Background(), e, ds, embedding.Config{Prior: -1})
		require.NoError(t, err)
		p := classify(t, c, "q-a", models)
		assert.InDelta(t, 1, p.Quality[0], 1e-6)
		assert.InDelta(t, 0, p.Quality[1], 1e-6)
		assert.InDelta(t, 1, p.Confidence, 1e-6)
	})

	t.Run("empty text", func(t *testing.T) {
		p := classify(t, c, "", models)
		assert.InDelta(t, 0.5, p.Quality[0], 1e-9)
		assert.Zero(t, p.Confidence)
	})
}

func TestEmbeddingClassifierPredicts(t *testing.T) {
	e := newFake(512)
	c, err := embedding.NewClassifier(context.Background(), e, toyDataset(), embedding.Config{})
	require.NoError(t, err)
	assert.Equal(t, []string{strong, weak}, c.Models())
	models := cards(weak, "other", strong)
	for _, tc := range []struct {
		query string
		label string
		// whether the weak model is predicted well above its global mean
		// (4/9), or well below
		weakAbove bool
	}{
		{"what is the integral of x squared", "calculus", false},
		{"find the derivative of x to the power four", "calculus", false},
		{"write a friendly note to say thank you", "notes", true},
		{"a friendly birthday greeting for my friend", "notes", true},
	} {
		t.Run(tc.query, func(t *testing.T) {
			p := classify(t, c, tc.query, models)
			assert.Equal(t, tc.label, p.Label)
			assert.True(t, math.IsNaN(p.Quality[1]))
			assert.Greater(t, p.Quality[2], 0.9, "the strong model is right on everything")
			if tc.weakAbove {
				assert.Greater(t, p.Quality[0], 0.6)
			} else {
				assert.Less(t, p.Quality[0], 0.3)
			}
			assert.Greater(t, p.Confidence, 0.3)
			assert.LessOrEqual(t, p.Confidence, 1.0)
		})
	}

	nb, err := c.Neighbors(context.Background(), "what is the integral of x squared", 3)
	require.NoError(t, err)
	require.Len(t, nb, 3)
	assert.Equal(t, "calculus", nb[0].Task)
	assert.Equal(t, map[string]float64{strong: 1, weak: 0}, nb[0].Scores)
	assert.GreaterOrEqual(t, nb[0].Similarity, nb[1].Similarity)
	assert.GreaterOrEqual(t, nb[1].Similarity, nb[2].Similarity)

	require.NoError(t, c.Validate(cards("x", strong)))
	require.ErrorContains(t, c.Validate(cards("gpt-4", "mixtral")), "no router model (gpt-4, mixtral) has outcomes in the training data (strong, weak)")
}

func TestEmbeddingClassifierConcurrentUse(t *testing.T) {
	e := newFake(128)
	c, err := embedding.NewClassifier(context.Background(), e, toyDataset(), embedding.Config{CacheSize: 3})
	require.NoError(t, err)
	queries := []string{"integral of x", "derivative of x", "friendly note", "hello friend", "definite integral"}
	models := cards(strong, weak)
	want := make([]llmrouter.Prediction, len(queries))
	for i, q := range queries {
		want[i] = *classify(t, c, q, models)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				j := (g + i) % len(queries)
				p := newPrediction(2)
				if err := c.Classify(context.Background(), &llmrouter.Features{Text: queries[j]}, models, p); err != nil {
					errs <- err
					return
				}
				if p.Label != want[j].Label || p.Quality[0] != want[j].Quality[0] || p.Quality[1] != want[j].Quality[1] {
					errs <- fmt.Errorf("query %q: got %+v, want %+v", queries[j], *p, want[j])
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// Semantic routes.

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

// TestEmbeddingClassifierMMLU trains the kNN, with the toy bag-of-words
// embedder, on a subsample of RouteLLM's MMLU outcomes and checks that its
// predicted gap between GPT-4 and Mixtral routes better than random
// (APGR > 0.5, package eval) on held-out prompts.
func TestEmbeddingClassifierMMLU(t *testing.T) {
	path := shareddata.Path(t, "routellm-mmlu.jsonl")
	if testing.Short() {
		t.Skip("embeds thousands of prompts; skipped in -short mode")
	}
	ds, err := dataset.Load(path)
	require.NoError(t, err)
	const (
		strongM = "gpt-4-1106-preview"
		weakM   = "mistralai/Mixtral-8x7B-Instruct-v0.1"
		nTrain  = 4000
		nTest   = 1000
	)
	rng := rand.New(rand.NewPCG(7, 11))
	perm := rng.Perm(len(ds.Records))
	train := &dataset.Dataset{}
	for _, i := range perm[:nTrain] {
		train.Records = append(train.Records, ds.Records[i])
	}
	inTrain := make(map[string]bool, nTrain)
	for _, r := range train.Records {
		inTrain[r.Prompt] = true
	}
	var test []int // held out, and no prompt repeated from training
	for _, i := range perm[nTrain:] {
		if len(test) < nTest && !inTrain[ds.Records[i].Prompt] {
			test = append(test, i)
		}
	}

	e := newFake(512)
	c, err := embedding.NewClassifier(context.Background(), e, train, embedding.Config{})
	require.NoError(t, err)
	models := cards(strongM, weakM)
	var s, w, gap []float64
	labelHits := 0
	for _, i := range test {
		r := ds.Records[i]
		p := classify(t, c, r.Prompt, models)
		s = append(s, r.Outcomes[strongM].Score)
		w = append(w, r.Outcomes[weakM].Score)
		gap = append(gap, p.Quality[0]-p.Quality[1])
		if p.Label == r.Task {
			labelHits++
		}
	}
	got, err := eval.APGR(s, w, gap)
	require.NoError(t, err)
	step, err := eval.StepAPGR(s, w, gap)
	require.NoError(t, err)
	t.Logf("MMLU, %d train / %d test prompts, bag-of-words embedder (dim 512), defaults: APGR %.3f (deciles), %.3f (exact curve); label = subject on %.1f%%",
		nTrain, nTest, got, step, 100*float64(labelHits)/float64(nTest))
	assert.Greater(t, got, 0.5, "better than random routing")
}

// benchPrompts makes n synthetic prompts on 40 topics.
func benchPrompts(n int) *dataset.Dataset {
	rng := rand.New(rand.NewPCG(1, 2))
	common := strings.Fields("the a of to and in is what how why which explain describe given find")
	ds := &dataset.Dataset{}
	for i := range n {
		topic := i % 40
		var b strings.Builder
		for j := range 16 {
			if j%2 == 0 {
				fmt.Fprintf(&b, "topic%dword%d ", topic, rng.IntN(30))
			} else {
				b.WriteString(common[rng.IntN(len(common))] + " ")
			}
		}
		ds.Records = append(ds.Records, dataset.Record{
			ID: fmt.Sprint(i), Task: fmt.Sprint("topic", topic), Prompt: b.String(),
			Outcomes: outcomes(float64(rng.IntN(2)), float64(rng.IntN(2))),
		})
	}
	return ds
}

// BenchmarkEmbeddingClassify measures one decision of the kNN over 2,000
// training prompts of dimension 384 (the size of small sentence-embedding
// models), the query's embedding cached: the classifier's own cost, without
// the embedding call.
func BenchmarkEmbeddingClassify(b *testing.B) {
	ds := benchPrompts(2000)
	e := newFake(384)
	c, err := embedding.NewClassifier(context.Background(), e, ds, embedding.Config{})
	require.NoError(b, err)
	models := cards(strong, weak)
	f := &llmrouter.Features{Text: ds.Records[17].Prompt + " extra words"}
	p := newPrediction(2)
	ctx := context.Background()
	require.NoError(b, c.Classify(ctx, f, models, p)) // fills the cache
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Classify(ctx, f, models, p); err != nil {
			b.Fatal(err)
		}
	}
	if e.queryCalls.Load() != 1 {
		b.Fatalf("%d embedding calls, want 1 (cached)", e.queryCalls.Load())
	}
}

func TestEmbeddingClassifiersDoNotAllocateOnCacheHits(t *testing.T) {
	knn, err := embedding.NewClassifier(context.Background(), newFake(64), toyDataset(), embedding.Config{})
	require.NoError(t, err)
	sem, err := embedding.NewSemanticClassifier(context.Background(), newFake(64), embedding.SemanticRoutes{Routes: semanticRoutes().Routes, TopN: 2})
	require.NoError(t, err)
	models := cards(strong, weak, "small", "large")
	for name, c := range map[string]llmrouter.Classifier{"knn": knn, "semantic": sem} {
		f := &llmrouter.Features{Text: "write a friendly python function"}
		p := classify(t, c, f.Text, models)
		allocs := testing.AllocsPerRun(100, func() {
			if err := c.Classify(context.Background(), f, models, p); err != nil {
				t.Fatal(err)
			}
		})
		assert.Zero(t, allocs, name)
	}
}
