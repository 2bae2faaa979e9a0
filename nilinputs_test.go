package llmrouter_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/require"
)

// A nil Option (one left unset by a conditional: var o Option; if x { o =
// WithSink(s) }) panicked New with a nil-pointer dereference; GenerateContent
// already skips nil llms.CallOptions and WithSink nil sinks. New skips it.
func TestNewSkipsNilOption(t *testing.T) {
	ps := []llmrouter.Provider{routertest.NewProvider(cheapCard), routertest.NewProvider(strongCard)}
	var unset llmrouter.Option
	var r *llmrouter.Router
	var err error
	require.NotPanics(t, func() {
		r, err = llmrouter.New(ps, unset, llmrouter.WithIDGenerator(func() string { return "fixed" }), nil)
	})
	require.NoError(t, err)
	d, err := r.Route(context.Background(), human("hi"))
	require.NoError(t, err)
	require.Equal(t, "fixed", d.ID, "the options around the nil ones still apply")
}

// An ID generator that returns "" gave decisions no id: FeedbackLog.Record
// ignores such decisions and decisionlog.Feedback refuses an empty id, so
// feedback was lost without a word. An empty id is replaced by the
// router's own.
func TestIDGeneratorEmptyIDReplaced(t *testing.T) {
	ps := []llmrouter.Provider{routertest.NewProvider(cheapCard), routertest.NewProvider(strongCard)}
	n := 0
	r, err := llmrouter.New(ps, llmrouter.WithIDGenerator(func() string {
		n++
		if n%2 == 0 {
			return "given-" + strings.Repeat("x", n)
		}
		return ""
	}))
	require.NoError(t, err)
	fl := llmrouter.NewFeedbackLog(8)
	ids := map[string]bool{}
	for range 4 {
		d, err := r.Route(context.Background(), human("hi"))
		require.NoError(t, err)
		require.NotEmpty(t, d.ID)
		require.False(t, ids[d.ID], "ids stay unique: %s", d.ID)
		ids[d.ID] = true
		fl.Record(d)
	}
	require.Equal(t, 4, fl.Len())
	require.True(t, ids["given-xx"] && ids["given-xxxx"], "non-empty ids are the generator's: %v", ids)
}

// ReadLinearClassifier(nil) panicked; it is an error wrapping ErrBadModel.
func TestReadLinearClassifierNilReader(t *testing.T) {
	var err error
	require.NotPanics(t, func() { _, err = llmrouter.ReadLinearClassifier(nil) })
	require.True(t, errors.Is(err, llmrouter.ErrBadModel), "%v", err)
	require.ErrorContains(t, err, "nil reader")
}
