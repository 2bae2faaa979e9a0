package hotswap_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/hotswap"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

var cards = []llmrouter.ModelCard{
	{Name: "a", InputPerMTok: 0.1, OutputPerMTok: 0.1},
	{Name: "b", InputPerMTok: 1, OutputPerMTok: 1},
	{Name: "c", InputPerMTok: 10, OutputPerMTok: 10},
}

func providers() []llmrouter.Provider {
	ps := make([]llmrouter.Provider, len(cards))
	for i, c := range cards {
		ps[i] = routertest.NewProvider(c)
	}
	return ps
}

func ask(s string) []llms.MessageContent {
	return []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, s)}
}

// versionedClassifier labels each prediction "v<i>"; before writes first
// (a hook for tests that swap mid-request).
func versionedClassifier(i int, before func()) llmrouter.Classifier {
	return llmrouter.ClassifierFunc(func(_ context.Context, _ *llmrouter.Features, _ []llmrouter.ModelCard, p *llmrouter.Prediction) error {
		if before != nil {
			before()
		}
		p.Label = "v" + strconv.Itoa(i)
		return nil
	})
}

// versionedPolicy plans model i mod 3 with reason "v<i>".
func versionedPolicy(i int) llmrouter.Policy {
	return llmrouter.PolicyFunc(func(r *llmrouter.Routing) error {
		k := i % len(r.Models)
		r.Plan = append(r.Plan, llmrouter.Step{Model: r.Models[k].Name, Index: k, Reason: "v" + strconv.Itoa(i)})
		return nil
	})
}

// A swap that lands between a request's classifier and its policy must not
// reach that request: the pair is read once.
func TestPairOneVersionPerRequest(t *testing.T) {
	pair := hotswap.NewPair(versionedClassifier(0, nil), versionedPolicy(0))
	var once sync.Once
	swapMid := func() {
		once.Do(func() { require.NoError(t, pair.Swap(versionedClassifier(1, nil), versionedPolicy(1))) })
	}
	require.NoError(t, pair.Swap(versionedClassifier(0, swapMid), versionedPolicy(0)))
	r, err := llmrouter.New(providers(), llmrouter.WithClassifier(pair), llmrouter.WithPolicy(pair))
	require.NoError(t, err)

	d, err := r.Route(context.Background(), ask("hello"))
	require.NoError(t, err)
	assert.Equal(t, "v0", d.Prediction.Label)
	assert.Equal(t, "v0", d.Plan[0].Reason, "the policy of the classifier's version")
	assert.Equal(t, "a", d.Model)

	d, err = r.Route(context.Background(), ask("hello"))
	require.NoError(t, err)
	assert.Equal(t, "v1", d.Prediction.Label)
	assert.Equal(t, "v1", d.Plan[0].Reason)
	assert.Equal(t, "b", d.Model)
}

// Separate holders are read at two moments: documented, and shown here, so
// the Pair's guarantee is not taken for granted.
func TestSeparateHoldersCanMix(t *testing.T) {
	ph := hotswap.NewPolicy(versionedPolicy(0))
	ch := hotswap.NewClassifier(versionedClassifier(0, func() { require.NoError(t, ph.Swap(versionedPolicy(1))) }))
	r, err := llmrouter.New(providers(), llmrouter.WithClassifier(ch), llmrouter.WithPolicy(ph))
	require.NoError(t, err)
	d, err := r.Route(context.Background(), ask("hello"))
	require.NoError(t, err)
	assert.Equal(t, "v0", d.Prediction.Label)
	assert.Equal(t, "v1", d.Plan[0].Reason)
}

func TestSwapValidatesAgainstRouterModels(t *testing.T) {
	good := llmrouter.DefaultPolicy(llmrouter.Threshold{Strong: "c", Weak: "a"})
	bad := llmrouter.DefaultPolicy(llmrouter.Threshold{Strong: "gpt-9", Weak: "a"})
	badTier := llmrouter.TierFilter{Tiers: map[string][]string{"free": {"nope"}}}
	tests := []struct {
		name    string
		swap    func(p *hotswap.Policy, pair *hotswap.Pair) error
		wantErr string
	}{
		{"policy ok", func(p *hotswap.Policy, _ *hotswap.Pair) error { return p.Swap(good) }, ""},
		{"policy unknown model", func(p *hotswap.Policy, _ *hotswap.Pair) error { return p.Swap(bad) }, `unknown model "gpt-9"`},
		{"policy in chain", func(p *hotswap.Policy, _ *hotswap.Pair) error { return p.Swap(llmrouter.Chain(badTier)) }, `unknown model "nope"`},
		{"pair unknown model", func(_ *hotswap.Policy, pr *hotswap.Pair) error { return pr.Swap(nil, bad) }, `unknown model "gpt-9"`},
		{"pair ok", func(_ *hotswap.Policy, pr *hotswap.Pair) error { return pr.Swap(nil, good) }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ph := hotswap.NewPolicy(nil)
			pair := hotswap.NewPair(nil, nil)
			_, err := llmrouter.New(providers(), llmrouter.WithPolicy(ph))
			require.NoError(t, err)
			_, err = llmrouter.New(providers(), llmrouter.WithClassifier(pair), llmrouter.WithPolicy(pair))
			require.NoError(t, err)
			beforeP, beforeC := ph.Load(), fmt.Sprint(pair.Stages())
			err = tt.swap(ph, pair)
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tt.wantErr)
			assert.ErrorContains(t, err, "the old one stays")
			assert.Equal(t, fmt.Sprint(beforeP), fmt.Sprint(ph.Load()), "the old policy stays live")
			assert.Equal(t, beforeC, fmt.Sprint(pair.Stages()))
		})
	}
}

// New fails when the held value names a model the router lacks, as it does
// without a holder.
func TestNewValidatesHeldValues(t *testing.T) {
	_, err := llmrouter.New(providers(), llmrouter.WithPolicy(hotswap.NewPolicy(llmrouter.Threshold{Strong: "x", Weak: "a"})))
	require.ErrorContains(t, err, `unknown model "x"`)
	_, err = llmrouter.New(providers(), llmrouter.WithClassifier(hotswap.NewClassifier(mustRules(t, "x"))))
	require.Error(t, err)
}

func mustRules(t *testing.T, model string) llmrouter.Classifier {
	c, err := llmrouter.NewRuleClassifier(llmrouter.RuleSet{
		Rules:  []llmrouter.Rule{{Label: "any"}},
		Labels: map[string]map[string]float64{"any": {model: 0.9}},
	})
	require.NoError(t, err)
	return c
}

func TestClassifierSwapValidates(t *testing.T) {
	ch := hotswap.NewClassifier(nil)
	_, err := llmrouter.New(providers(), llmrouter.WithClassifier(ch))
	require.NoError(t, err)
	require.Error(t, ch.Swap(mustRules(t, "x")))
	require.NoError(t, ch.Swap(mustRules(t, "b")))
	require.NoError(t, ch.Swap(nil), "nil: the default classifier")
	assert.Equal(t, fmt.Sprint(llmrouter.DefaultClassifier()), fmt.Sprint(ch.Load()))
}

func TestVerifierSwap(t *testing.T) {
	reject := llmrouter.VerifierFunc(func(context.Context, *llmrouter.Answer) error { return errors.New("no") })
	vh := hotswap.NewVerifier(nil)
	a := &llmrouter.Answer{Model: "a", Response: &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: "x"}}}}
	require.NoError(t, vh.Verify(context.Background(), a), "nil accepts")
	vh.Swap(reject)
	require.EqualError(t, vh.Verify(context.Background(), a), "no")
	vh.Swap(nil)
	require.NoError(t, vh.Verify(context.Background(), a))
	assert.Nil(t, vh.Load())
}

// Under load: many goroutines call the router while another swaps the
// pair (and the verifier) repeatedly. Every call succeeds, reaches the
// sink, and every decision is wholly from one version; each goroutine sees
// versions in order.
func TestPairUnderLoad(t *testing.T) {
	const workers, perWorker, swaps = 8, 300, 200
	pair := hotswap.NewPair(versionedClassifier(0, nil), versionedPolicy(0))
	vh := hotswap.NewVerifier(nil)
	var sunk atomic.Int64
	sink := llmrouter.SinkFunc(func(*llmrouter.Decision) { sunk.Add(1) })
	r, err := llmrouter.New(providers(), llmrouter.WithClassifier(pair), llmrouter.WithPolicy(pair),
		llmrouter.WithSink(sink), llmrouter.WithFallback(llmrouter.Fallback{Verifier: vh}))
	require.NoError(t, err)

	var wg sync.WaitGroup
	done := make(chan struct{})
	var swapped atomic.Int64
	// The swaps start after a first call and end before each worker's last,
	// so calls are seen both sides of them whatever the scheduling.
	started := make(chan struct{})
	var startOnce sync.Once
	go func() {
		defer close(done)
		<-started
		for i := 1; i <= swaps; i++ {
			if err := pair.Swap(versionedClassifier(i, nil), versionedPolicy(i)); err != nil {
				t.Error(err)
				return
			}
			vh.Swap(llmrouter.VerifierFunc(func(context.Context, *llmrouter.Answer) error { return nil }))
			swapped.Add(1)
		}
	}()
	errs := make(chan error, workers)
	seen := make([]map[int]bool, workers)
	for w := range workers {
		seen[w] = map[int]bool{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := -1
			for k := range perWorker {
				if k == perWorker-1 {
					<-done
				}
				resp, err := r.GenerateContent(context.Background(), ask("what is 2+2?"))
				if err != nil {
					errs <- err
					return
				}
				d, ok := llmrouter.DecisionFrom(resp)
				if !ok {
					errs <- errors.New("no decision")
					return
				}
				v, err := strconv.Atoi(d.Prediction.Label[1:])
				if err != nil || d.Plan[0].Reason != d.Prediction.Label || d.Model != cards[v%3].Name || d.Answered != d.Model {
					errs <- fmt.Errorf("mixed decision: label %q, plan %q, model %s, answered %s", d.Prediction.Label, d.Plan[0].Reason, d.Model, d.Answered)
					return
				}
				if v < last {
					errs <- fmt.Errorf("version went back from %d to %d", last, v)
					return
				}
				last = v
				seen[w][v] = true
				startOnce.Do(func() { close(started) })
			}
		}()
	}
	wg.Wait()
	<-done
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, int64(swaps), swapped.Load())
	assert.Equal(t, int64(workers*perWorker), sunk.Load(), "no request dropped")
	versions := map[int]bool{}
	for _, s := range seen {
		for v := range s {
			versions[v] = true
		}
	}
	assert.True(t, versions[0] && versions[swaps], "calls saw the first and the last version: %d versions", len(versions))
	d, err := r.Route(context.Background(), ask("after"))
	require.NoError(t, err)
	assert.Equal(t, "v"+strconv.Itoa(swaps), d.Prediction.Label, "the last swap is live")
}

// A holder remembers the model sets of every router built with it, for
// its own lifetime (see the package doc): a router rebuilt with a new
// model keeps the old set's constraint on the holder, and new holders
// lift it.
func TestHolderRemembersRebuiltRoutersModels(t *testing.T) {
	withC := llmrouter.DefaultPolicy(llmrouter.Threshold{Strong: "c", Weak: "a"})
	ab := providers()[:2] // "a" and "b"
	require.NotContains(t, []string{ab[0].Card().Name, ab[1].Card().Name}, "c")

	h := hotswap.NewPolicy(nil)
	_, err := llmrouter.New(ab, llmrouter.WithPolicy(h)) // the first router
	require.NoError(t, err)
	_, err = llmrouter.New(providers(), llmrouter.WithPolicy(h)) // rebuilt, with "c"
	require.NoError(t, err)
	require.ErrorContains(t, h.Swap(withC), `unknown model "c"`, "the first router's set still counts")

	fresh := hotswap.NewPolicy(nil)
	_, err = llmrouter.New(providers(), llmrouter.WithPolicy(fresh))
	require.NoError(t, err)
	require.NoError(t, fresh.Swap(withC), "a new holder knows only the rebuilt router")
}
