package llmrouter_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/internal/openaitest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/llms/openai"
)

// ErrEmptyResponse's doc promises that a provider that returned no
// response or no choices fails with an error matching it (and
// llms.ErrProviderUnavailable). The real clients report such a 200 as an
// error of their own ("no response", "empty response"), which the router
// classified as unavailable but which did not match ErrEmptyResponse:
// only a nil-error return with no choice did. The error's text is kept.
func TestClientNoAnswerMatchesErrEmptyResponse(t *testing.T) {
	openaiNoChoice := func(t *testing.T) llms.Model {
		srv := openaitest.New(t)
		srv.SetDefault(openaitest.Response{Body: `{"id":"c1","object":"chat.completion","model":"m","choices":[]}`})
		m, err := openai.New(openai.WithBaseURL(srv.URL), openai.WithToken("t"), openai.WithModel("m"))
		require.NoError(t, err)
		return m
	}
	anthropicNoBlock := func(t *testing.T) llms.Model {
		srv := httptest.NewServer(body(http.StatusOK, anthropicNoBlock))
		t.Cleanup(srv.Close)
		return anthropicAt(t, srv.URL)
	}
	for _, tc := range []struct {
		name   string
		client func(t *testing.T) llms.Model
		opts   []llmrouter.Option
	}{
		{"openai, no choice, plain", openaiNoChoice, nil},
		{"openai, no choice, resilient", openaiNoChoice, []llmrouter.Option{llmrouter.WithFallback(llmrouter.Fallback{MaxRetries: -1})}},
		{"anthropic, no content block, plain", anthropicNoBlock, nil},
		{"anthropic, no content block, resilient", anthropicNoBlock, []llmrouter.Option{llmrouter.WithFallback(llmrouter.Fallback{MaxRetries: -1})}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sink := &lastSink{}
			r, err := llmrouter.New([]llmrouter.Provider{llmrouter.NewProvider(cheapCard, tc.client(t))}, append(tc.opts, llmrouter.WithSink(sink))...)
			require.NoError(t, err)
			_, err = r.GenerateContent(context.Background(), human("hi"))
			require.Error(t, err)
			assert.ErrorIs(t, err, llmrouter.ErrAllFailed)
			assert.ErrorIs(t, err, llmrouter.ErrEmptyResponse)
			assert.ErrorIs(t, err, llms.ErrProviderUnavailable)
			a := sink.last().Attempts[0]
			assert.ErrorIs(t, a.Err, llmrouter.ErrEmptyResponse)
			assert.NotContains(t, a.Err.Error(), "llmrouter: empty response", "the client's own text is kept")
		})
	}
	// A status error whose message ends in "no response" is not one.
	srv := openaitest.New(t)
	srv.SetDefault(openaitest.Response{Status: 400, Body: `{"error":{"message":"no response","type":"invalid_request_error"}}`})
	m, err := openai.New(openai.WithBaseURL(srv.URL), openai.WithToken("t"), openai.WithModel("m"))
	require.NoError(t, err)
	r, err := llmrouter.New([]llmrouter.Provider{llmrouter.NewProvider(cheapCard, m)})
	require.NoError(t, err)
	_, err = r.GenerateContent(context.Background(), human("hi"))
	require.ErrorIs(t, err, llms.ErrInvalidRequest)
	assert.NotErrorIs(t, err, llmrouter.ErrEmptyResponse)
}
