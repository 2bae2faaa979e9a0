package telemetry_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/url"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/telemetry"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// A provider's transport error quotes the request URL, query included
// (net/http strips only a password), and clients that pass the API key as
// ?key= put it there; others echo a bearer token. decisionlog scrubs such
// strings, but the OpenTelemetry sink copied the error into span status
// descriptions and LogSink into its "error" attributes verbatim, sending
// the key to the tracing backend and the logs.
func TestSinksScrubAPIKeysFromErrors(t *testing.T) {
	const key = "AIzaSyD-0123456789abcdefghijklmnopqrstu"
	const bearer = "sk-proj-abcdefghijklmnopqrstuvwxyz012345"
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"key in a URL", &url.Error{Op: "Post", URL: "https://generativelanguage.googleapis.com/v1beta/models/g:generateContent?key=" + key, Err: fmt.Errorf("dial tcp: i/o timeout")}},
		{"bearer token echoed", fmt.Errorf("401: invalid header Authorization: Bearer %s", bearer)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &llmrouter.Decision{ID: "s", Time: t0, Model: "m", Err: fmt.Errorf("all failed: %w", tc.err),
				Attempts: []llmrouter.Attempt{{Model: "m", Start: t0, Code: llms.ErrCodeTimeout, Err: tc.err}}}

			h := newHarness(t, telemetry.Options{})
			h.sink.Record(d)
			spans := h.spans.Ended()
			require.Len(t, spans, 2)
			for _, sp := range spans {
				desc := sp.Status().Description
				require.NotEmpty(t, desc)
				assert.NotContains(t, desc, key)
				assert.NotContains(t, desc, bearer)
				assert.Contains(t, desc, "[REDACTED]", "the rest of the message stays")
			}

			var buf bytes.Buffer
			telemetry.NewLogSink(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))).Record(d)
			out := buf.String()
			require.Contains(t, out, "llmrouter attempt")
			require.Contains(t, out, "llmrouter request")
			assert.NotContains(t, out, key)
			assert.NotContains(t, out, bearer)
			assert.Contains(t, out, "[REDACTED]")
		})
	}
}
