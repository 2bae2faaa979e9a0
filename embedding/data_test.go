package embedding_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/embedding"
	"github.com/llmrouter/llmrouter/eval"
	"github.com/llmrouter/llmrouter/internal/shareddata"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The kNN classifier on shared data, its benchmark and its allocations.

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
