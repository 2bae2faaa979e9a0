package hotswap_test

import (
	"bytes"
	"context"
	"errors"
	"log"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/hotswap"
)

// nilPtrVerifier is a verifier whose constructor failed: a nil pointer.
type nilPtrVerifier struct{ words []string }

func (v *nilPtrVerifier) Verify(context.Context, *llmrouter.Answer) error {
	if len(v.words) > 0 { // dereferences v: panics when v is nil
		return errors.New("forbidden")
	}
	return nil
}

// TestVerifierSwapRefusesTypedNil: Swap (which returns no error) keeps
// the old verifier when handed a nil pointer or func and logs why, as the
// other holders' Swap refuse one with an error; it used to store it, so
// every verification panicked. A holder made with one fails every
// verification with an error naming it (fail closed), not a panic.
func TestVerifierSwapRefusesTypedNil(t *testing.T) {
	var logged bytes.Buffer
	out, flags := log.Writer(), log.Flags()
	log.SetOutput(&logged)
	defer func() { log.SetOutput(out); log.SetFlags(flags) }()

	reject := llmrouter.VerifierFunc(func(context.Context, *llmrouter.Answer) error { return errors.New("no") })
	a := &llmrouter.Answer{Model: "a", Response: &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: "x"}}}}
	for _, tc := range []struct {
		name string
		v    llmrouter.Verifier
		want string
	}{
		{"nil pointer", (*nilPtrVerifier)(nil), "hotswap: new verifier is a nil *hotswap_test.nilPtrVerifier; the old one stays"},
		{"nil func", llmrouter.VerifierFunc(nil), "hotswap: new verifier is a nil llmrouter.VerifierFunc; the old one stays"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logged.Reset()
			vh := hotswap.NewVerifier(reject)
			require.NotPanics(t, func() { vh.Swap(tc.v) })
			assert.Contains(t, logged.String(), tc.want)
			var err error
			require.NotPanics(t, func() { err = vh.Verify(context.Background(), a) })
			assert.EqualError(t, err, "no", "the old verifier stays")

			held := hotswap.NewVerifier(tc.v)
			require.NotPanics(t, func() { err = held.Verify(context.Background(), a) })
			assert.ErrorContains(t, err, "hotswap: the verifier held is a nil ")
		})
	}
}
