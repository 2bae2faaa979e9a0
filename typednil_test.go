package llmrouter_test

import (
	"context"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nilPtrAnalyzer is an analyzer whose methods dereference their receiver.
type nilPtrAnalyzer struct{ n int }

func (a *nilPtrAnalyzer) Analyze(*llmrouter.Request, *llmrouter.Features) { a.n++ }

// A stage, clock or verifier that is a nil pointer or nil func (a
// constructor whose error was dropped: ReadLinearClassifier, verify.Read)
// fails New naming the option. New panicked on a nil classifier or clock;
// a nil analyzer or verifier failed every request with a recovered panic.
// Chain() with no policies is not nil: it plans nothing, as documented.
func TestNewRejectsTypedNilStages(t *testing.T) {
	ps := []llmrouter.Provider{routertest.NewProvider(cheapCard)}
	for _, tc := range []struct {
		opt  llmrouter.Option
		want string
	}{
		{llmrouter.WithAnalyzer((*nilPtrAnalyzer)(nil)), "llmrouter: WithAnalyzer: a nil *llmrouter_test.nilPtrAnalyzer (did its constructor fail?)"},
		{llmrouter.WithClassifier((*llmrouter.LinearClassifier)(nil)), "llmrouter: WithClassifier: a nil *llmrouter.LinearClassifier (did its constructor fail?)"},
		{llmrouter.WithPolicy(llmrouter.PolicyFunc(nil)), "llmrouter: WithPolicy: a nil llmrouter.PolicyFunc (did its constructor fail?)"},
		{llmrouter.WithClock((*routertest.Clock)(nil)), "llmrouter: WithClock: a nil *routertest.Clock (did its constructor fail?)"},
		{llmrouter.WithFallback(llmrouter.Fallback{Verifier: llmrouter.VerifierFunc(nil)}), "llmrouter: Fallback.Verifier: a nil llmrouter.VerifierFunc (did its constructor fail?)"},
		{llmrouter.WithFallback(llmrouter.Fallback{Clock: (*routertest.Clock)(nil)}), "llmrouter: Fallback.Clock: a nil *routertest.Clock (did its constructor fail?)"},
	} {
		var err error
		require.NotPanics(t, func() { _, err = llmrouter.New(ps, tc.opt) }, tc.want)
		assert.EqualError(t, err, tc.want)
	}
	r, err := llmrouter.New(ps, llmrouter.WithPolicy(llmrouter.Chain()))
	require.NoError(t, err)
	_, err = r.Route(context.Background(), human("hi"))
	require.NoError(t, err, "an empty chain plans nothing; the router ranks by quality")
}

// nilPtrPolicy is a policy with a Validate method, as budget.Budget has,
// whose methods dereference their receiver.
type nilPtrPolicy struct{ models []llmrouter.ModelCard }

func (p *nilPtrPolicy) Apply(*llmrouter.Routing) error { return nil }
func (p *nilPtrPolicy) Validate(m []llmrouter.ModelCard) error {
	p.models = m
	return nil
}

// A nil pointer among a Chain's (or DefaultPolicy's) policies (a
// budget.New whose error was dropped) fails New naming its place; New
// panicked validating it.
func TestNewRejectsTypedNilInChain(t *testing.T) {
	ps := []llmrouter.Provider{routertest.NewProvider(cheapCard)}
	for _, tc := range []struct {
		p    llmrouter.Policy
		want string
	}{
		{llmrouter.Chain(llmrouter.CheapestAdequate{}, (*nilPtrPolicy)(nil)), "llmrouter: Chain: policy 1 is a nil *llmrouter_test.nilPtrPolicy (did its constructor fail?)"},
		// DefaultPolicy's rules are counted from the caller's first: the
		// message said "policy 4", counting the built-in filters before it.
		{llmrouter.DefaultPolicy((*nilPtrPolicy)(nil)), "llmrouter: DefaultPolicy: rule 0 is a nil *llmrouter_test.nilPtrPolicy (did its constructor fail?)"},
		{llmrouter.DefaultPolicy(llmrouter.CheapestAdequate{}, nil), "llmrouter: DefaultPolicy: rule 1 is nil"},
		{llmrouter.Chain(llmrouter.Chain(llmrouter.PolicyFunc(nil))), "llmrouter: Chain: policy 0 is a nil llmrouter.PolicyFunc (did its constructor fail?)"},
		{llmrouter.Chain(llmrouter.CheapestAdequate{}, nil), "llmrouter: Chain: policy 1 is nil"},
	} {
		var err error
		require.NotPanics(t, func() { _, err = llmrouter.New(ps, llmrouter.WithPolicy(tc.p)) }, tc.want)
		assert.EqualError(t, err, tc.want)
	}
}
