package llmrouter_test

import (
	"context"
	"errors"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Chain and Verifiers keep their own copy of the list they are given: a
// caller reusing its slice (Chain(ps...), then ps[0] = …) must not change,
// or race with, a policy or verifier already handed to a router.
func TestChainAndVerifiersCopyTheirList(t *testing.T) {
	t.Run("Chain", func(t *testing.T) {
		var ran []string
		named := func(n string) llmrouter.Policy {
			return llmrouter.PolicyFunc(func(*llmrouter.Routing) error { ran = append(ran, n); return nil })
		}
		ps := []llmrouter.Policy{named("a"), named("b")}
		c := llmrouter.Chain(ps...)
		ps[0] = named("replaced")
		require.NoError(t, c.Apply(&llmrouter.Routing{}))
		assert.Equal(t, []string{"a", "b"}, ran)
	})
	t.Run("Verifiers", func(t *testing.T) {
		reject := func(n string) llmrouter.Verifier {
			return llmrouter.VerifierFunc(func(context.Context, *llmrouter.Answer) error { return errors.New(n) })
		}
		vs := []llmrouter.Verifier{reject("a")}
		v := llmrouter.Verifiers(vs...)
		vs[0] = reject("replaced")
		assert.EqualError(t, v.Verify(context.Background(), &llmrouter.Answer{}), "a")
	})
}
