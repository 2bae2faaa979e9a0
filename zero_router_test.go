package llmrouter_test

import (
	"context"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/stretchr/testify/require"
)

// The zero Router (a struct field left unbuilt) panicked in GenerateContent,
// Route and Call with "interface conversion: interface {} is nil", and in
// Breakers with a nil dereference, saying nothing of the cause. Its calls
// now fail with ErrNoProviders naming it; Breakers is nil and HedgeDelay
// false, as for a router without breakers or hedging.
func TestZeroRouter(t *testing.T) {
	var r llmrouter.Router
	ctx := context.Background()
	require.NotPanics(t, func() {
		_, err := r.GenerateContent(ctx, human("hi"))
		require.ErrorIs(t, err, llmrouter.ErrNoProviders)
		require.ErrorContains(t, err, "Router not made by New")
		_, err = r.Route(ctx, human("hi"))
		require.ErrorIs(t, err, llmrouter.ErrNoProviders)
		_, err = r.Call(ctx, "hi")
		require.ErrorIs(t, err, llmrouter.ErrNoProviders)
		require.Nil(t, r.Breakers())
		_, ok := r.HedgeDelay("m")
		require.False(t, ok)
		require.Empty(t, r.Models())
	})
}
