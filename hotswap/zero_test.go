package hotswap_test

import (
	"context"
	"sync"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/hotswap"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The zero value of each holder holds what its constructor given nil
// holds (the default classifier and policy; a verifier that accepts
// every answer), and a Swap replaces it as it would NewX(nil)'s. Every
// method on a zero holder panicked with a nil pointer dereference.
func TestZeroValue(t *testing.T) {
	ctx := context.Background()
	route := func(t *testing.T, opts ...llmrouter.Option) *llmrouter.Decision {
		t.Helper()
		r, err := llmrouter.New(providers(), opts...)
		require.NoError(t, err)
		d, err := r.Route(ctx, ask("Prove that the square root of 2 is irrational, step by step."))
		require.NoError(t, err)
		return d
	}
	want := route(t, llmrouter.WithClassifier(hotswap.NewClassifier(nil)), llmrouter.WithPolicy(hotswap.NewPolicy(nil)))

	t.Run("Classifier and Policy", func(t *testing.T) {
		var c hotswap.Classifier
		var p hotswap.Policy
		assert.NotNil(t, c.Load())
		assert.NotNil(t, p.Load())
		d := route(t, llmrouter.WithClassifier(&c), llmrouter.WithPolicy(&p))
		assert.Equal(t, want.Model, d.Model)
		assert.Equal(t, want.Prediction.Difficulty, d.Prediction.Difficulty)
		assert.Equal(t, want.Prediction.Label, d.Prediction.Label)
		require.NoError(t, c.CheckModels(cards))
		require.NoError(t, p.CheckModels(cards))
		fin, err := p.StartCall(ctx, d, llmrouter.Hints{})
		require.NoError(t, err)
		assert.Nil(t, fin)
		require.NoError(t, p.Swap(versionedPolicy(2)))
		assert.Equal(t, "c", route(t, llmrouter.WithPolicy(&p)).Model)
		require.NoError(t, c.Swap(versionedClassifier(7, nil)))
		assert.Equal(t, "v7", route(t, llmrouter.WithClassifier(&c)).Prediction.Label)
	})
	t.Run("Pair", func(t *testing.T) {
		var pr hotswap.Pair
		c, p := pr.Stages()
		assert.NotNil(t, c)
		assert.NotNil(t, p)
		d := route(t, llmrouter.WithClassifier(&pr), llmrouter.WithPolicy(&pr))
		assert.Equal(t, want.Model, d.Model)
		require.NoError(t, pr.CheckModels(cards))
		fin, err := pr.StartCall(ctx, d, llmrouter.Hints{})
		require.NoError(t, err)
		assert.Nil(t, fin)
		require.NoError(t, pr.Swap(versionedClassifier(3, nil), versionedPolicy(1)))
		d = route(t, llmrouter.WithClassifier(&pr), llmrouter.WithPolicy(&pr))
		assert.Equal(t, "b", d.Model)
		assert.Equal(t, "v3", d.Prediction.Label)
	})
	t.Run("Verifier", func(t *testing.T) {
		var v hotswap.Verifier
		assert.Nil(t, v.Load())
		require.NoError(t, v.Verify(ctx, &llmrouter.Answer{Model: "a"}))
		v.Swap(llmrouter.VerifierFunc(func(context.Context, *llmrouter.Answer) error { return assert.AnError }))
		require.ErrorIs(t, v.Verify(ctx, &llmrouter.Answer{Model: "a"}), assert.AnError)
	})
}

// The zero holders' first use races safely (run with -race): every
// goroutine gets a default (the one the first CompareAndSwap stored).
func TestZeroValueConcurrentFirstUse(t *testing.T) {
	var c hotswap.Classifier
	var p hotswap.Policy
	var pr hotswap.Pair
	const n = 16
	cs := make([]llmrouter.Classifier, n)
	ps := make([]llmrouter.Policy, n)
	prs := make([]llmrouter.Classifier, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cs[i], ps[i] = c.Load(), p.Load()
			prs[i], _ = pr.Stages()
		}()
	}
	wg.Wait()
	for i := range n {
		assert.NotNil(t, cs[i])
		assert.NotNil(t, ps[i])
		assert.NotNil(t, prs[i])
	}
}
