package embedding_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/embedding"
	"github.com/llmrouter/llmrouter/internal/linear"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/embeddings"
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
