package llmrouter_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/internal/openaitest"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// A 200 whose body is JSON but not the answer's shape makes langchaingo's
// clients panic where a body a little differently wrong makes them return
// an error: openai's `null` is "empty response" (provider unavailable),
// its `{"choices":[null]}` a nil dereference; a body that is not JSON is a
// decoding error (provider unavailable). The router recovered the panic
// but classed it unknown: under WithFallback the model was not retried,
// unlike the same provider's other malformed answers. A provider's panic
// is now provider unavailable, as those are: retried, then moved past.
func TestRealClientPanicIsMalformedAnswer(t *testing.T) {
	for _, tc := range []struct {
		name   string
		client string
		body   string
		panics bool
	}{
		{"openai: choices [null]", "openai", `{"choices":[null]}`, true},
		{"anthropic: null", "anthropic", `null`, true},
		// The references the panics are made consistent with.
		{"openai: null (the client's empty response)", "openai", `null`, false},
		{"openai: not JSON", "openai", `{"choices":`, false},
		{"anthropic: not JSON", "anthropic", `{"content":`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r *llmrouter.Router
			var sink *lastSink
			var cheapRequests func() int
			switch tc.client {
			case "openai":
				var srvs []*openaitest.Server
				r, srvs, sink = openaiRouter(t, llmrouter.Fallback{})
				srvs[0].Enqueue(openaitest.Response{Body: tc.body})
				cheapRequests = func() int { return len(srvs[0].Requests()) }
			case "anthropic":
				cheap := &scriptServer{script: []http.HandlerFunc{body(200, tc.body)}, last: body(200, anthropicOK)}
				var ps []llmrouter.Provider
				for i, s := range []*scriptServer{cheap, {last: body(200, anthropicOK)}} {
					srv := httptest.NewServer(s)
					t.Cleanup(srv.Close)
					ps = append(ps, llmrouter.NewProvider([]llmrouter.ModelCard{cheapCard, midCard}[i], anthropicAt(t, srv.URL)))
				}
				sink = &lastSink{}
				var err error
				r, err = llmrouter.New(ps, llmrouter.WithSink(sink), llmrouter.WithFallback(llmrouter.Fallback{
					Clock: routertest.NewClock(time.Now()).SetAutoAdvance(true), Rand: half}))
				require.NoError(t, err)
				cheapRequests = cheap.requests
			}
			resp, err := r.GenerateContent(context.Background(), human("hi"))
			require.NoError(t, err)
			assert.Equal(t, "ok", resp.Choices[0].Content)
			d := sink.last()
			assert.Equal(t, []string{"cheap:provider_unavailable", "cheap:ok"}, codes(d), d.Explain())
			assert.Equal(t, 2, cheapRequests(), "retried on the same model")
			e := d.Attempts[0].Err
			assert.ErrorIs(t, e, llms.ErrProviderUnavailable)
			if tc.panics {
				assert.ErrorIs(t, e, llmrouter.ErrPanic)
				assert.Contains(t, e.Error(), "provider cheap panicked")
			} else {
				assert.NotErrorIs(t, e, llmrouter.ErrPanic)
			}
		})
	}
}
