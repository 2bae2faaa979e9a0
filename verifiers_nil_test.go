package llmrouter_test

import (
	"context"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nilPtrVerifier is a verifier whose method dereferences its receiver, as
// verify.Model's does.
type nilPtrVerifier struct{ calls int }

func (v *nilPtrVerifier) Verify(context.Context, *llmrouter.Answer) error { v.calls++; return nil }

// New rejects a nil-pointer Fallback.Verifier (a verify.Load whose error
// was dropped), but the same nil inside Verifiers(...) passed New and then
// panicked in every request's verification: every request failed with a
// recovered panic. New now fails naming the entry, as it does for Chain.
func TestNewRejectsTypedNilInVerifiers(t *testing.T) {
	ps := []llmrouter.Provider{routertest.NewProvider(cheapCard)}
	for _, tc := range []struct {
		v    llmrouter.Verifier
		want string
	}{
		{llmrouter.Verifiers(llmrouter.RejectEmpty, (*nilPtrVerifier)(nil)), "llmrouter: Fallback.Verifier: Verifiers entry 1 is a nil *llmrouter_test.nilPtrVerifier (did its constructor fail?)"},
		{llmrouter.Verifiers(llmrouter.VerifierFunc(nil)), "llmrouter: Fallback.Verifier: Verifiers entry 0 is a nil llmrouter.VerifierFunc (did its constructor fail?)"},
		{llmrouter.Verifiers(llmrouter.Verifiers(nil, (*nilPtrVerifier)(nil))), "llmrouter: Fallback.Verifier: Verifiers entry 1 is a nil *llmrouter_test.nilPtrVerifier (did its constructor fail?)"},
	} {
		var err error
		require.NotPanics(t, func() {
			_, err = llmrouter.New(ps, llmrouter.WithFallback(llmrouter.Fallback{Verifier: tc.v}))
		})
		assert.EqualError(t, err, tc.want)
	}
	// Nil interfaces stay skipped, as documented.
	r, err := llmrouter.New(ps, llmrouter.WithFallback(llmrouter.Fallback{Verifier: llmrouter.Verifiers(nil, llmrouter.RejectEmpty)}))
	require.NoError(t, err)
	_, err = r.GenerateContent(context.Background(), human("hi"))
	require.NoError(t, err)
}
