package llmrouter_test

import (
	"context"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/stretchr/testify/require"
)

// The built-in verifiers read a.Response and a.Options without checking a,
// so DefaultVerifier.Verify(ctx, nil) panicked (Answer.Text already treats
// a nil Answer as one with no text). A nil answer is one with nothing in
// it: RejectEmpty rejects it, the others have nothing to object to.
func TestBuiltinVerifiersNilAnswer(t *testing.T) {
	for _, tc := range []struct {
		name   string
		v      llmrouter.Verifier
		reject bool
	}{
		{"RejectEmpty", llmrouter.RejectEmpty, true},
		{"RejectRefusal", llmrouter.RejectRefusal, false},
		{"RejectInvalidJSON", llmrouter.RejectInvalidJSON, false},
		{"RejectInvalidToolCalls", llmrouter.RejectInvalidToolCalls, false},
		{"DefaultVerifier", llmrouter.DefaultVerifier, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = tc.v.Verify(context.Background(), nil) })
			if tc.reject {
				require.EqualError(t, err, "empty answer")
			} else {
				require.NoError(t, err)
			}
		})
	}
}
