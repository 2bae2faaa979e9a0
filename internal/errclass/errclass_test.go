// Fuzzing: FuzzClassifyError was run with
//
//	go test -run '^$' -fuzz FuzzClassifyError -fuzztime 2m -parallel 1 ./internal/errclass
//
// for 2m0s (1,786,142 executions, 166 corpus entries, no failures) on a
// shared 2-core machine, with Go 1.26. The seed corpus is every text of
// testdata/provider_errors.json plus testdata/fuzz/FuzzClassifyError/.
package errclass

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// providerErrorCase is one row of testdata/provider_errors.json: the exact
// text a langchaingo client produces for a fault, where it comes from, and
// the expected classification.
type providerErrorCase struct {
	Client     string `json:"client"`
	Fault      string `json:"fault"`
	Text       string `json:"text"`
	Code       string `json:"code"`
	Source     string `json:"source"`
	RetryAfter string `json:"retry_after"`
}

func loadProviderErrors(t testing.TB) []providerErrorCase {
	t.Helper()
	b, err := os.ReadFile("testdata/provider_errors.json")
	require.NoError(t, err)
	var cases []providerErrorCase
	require.NoError(t, json.Unmarshal(b, &cases))
	require.NotEmpty(t, cases)
	return cases
}

func TestErrorCodeOf_ProviderTexts(t *testing.T) {
	cases := loadProviderErrors(t)
	clients := map[string]bool{}
	for _, c := range cases {
		clients[c.Client] = true
		t.Run(c.Client+"/"+c.Fault, func(t *testing.T) {
			require.NotEmpty(t, c.Source, "every text must say where it comes from")
			err := errors.New(c.Text)
			assert.Equal(t, llms.ErrorCode(c.Code), ErrorCodeOf(err), "text: %s", c.Text)

			// The same text wrapped by a caller classifies the same.
			wrapped := fmt.Errorf("llmrouter: attempt 1: %w", err)
			assert.Equal(t, llms.ErrorCode(c.Code), ErrorCodeOf(wrapped))

			d, ok := RetryAfter(err)
			if c.RetryAfter == "" {
				assert.False(t, ok, "unexpected retry hint %v", d)
				return
			}
			want, perr := time.ParseDuration(c.RetryAfter)
			require.NoError(t, perr)
			assert.True(t, ok)
			assert.Equal(t, want, d)
		})
	}
	for _, name := range []string{"openai", "anthropic", "ollama", "googleai", "mistral"} {
		assert.True(t, clients[name], "no texts for client %s", name)
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o deadline reached" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

type hintErr struct{ d time.Duration }

func (e hintErr) Error() string             { return "slow down" }
func (e hintErr) RetryAfter() time.Duration { return e.d }

var errSentinel = errors.New("my sentinel")

func TestErrorCodeOf_Typed(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want llms.ErrorCode
	}{
		{"nil", nil, ""},
		{"canceled", context.Canceled, llms.ErrCodeCanceled},
		{"wrapped canceled", fmt.Errorf("call: %w", context.Canceled), llms.ErrCodeCanceled},
		{"deadline", context.DeadlineExceeded, llms.ErrCodeTimeout},
		{"net timeout", &net.OpError{Op: "dial", Net: "tcp", Err: timeoutErr{}}, llms.ErrCodeTimeout},
		{"net refused", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("oops")}, llms.ErrCodeProviderUnavailable},
		{"llms error wins over text", llms.NewError(llms.ErrCodeQuotaExceeded, "x", "status code: 429"), llms.ErrCodeQuotaExceeded},
		{"llms sentinel", fmt.Errorf("x: %w", llms.ErrRateLimit), llms.ErrCodeRateLimit},
		{"unknown llms error falls back to text", llms.NewError(llms.ErrCodeUnknown, "x", "API returned unexpected status code: 503"), llms.ErrCodeProviderUnavailable},
		{"connection closed before an answer", &url.Error{Op: "Post", URL: "http://x/v1", Err: io.EOF}, llms.ErrCodeProviderUnavailable},
		{"empty body", fmt.Errorf("parse response: %w", io.EOF), llms.ErrCodeProviderUnavailable},
		{"body cut short", fmt.Errorf("decode: %w", io.ErrUnexpectedEOF), llms.ErrCodeProviderUnavailable},
		{"client's empty response", errors.New("no response"), llms.ErrCodeProviderUnavailable},
		{"client's empty response, wrapped", errors.New("anthropic: create message: Empty Response"), llms.ErrCodeProviderUnavailable},
		{"no response within a sentence is not it", errors.New("the tool gave no response to parse"), llms.ErrCodeUnknown},
		{"a status wins over no response", errors.New("API returned unexpected status code: 400: no response"), llms.ErrCodeInvalidRequest},
		{"plain unknown", errors.New("something odd"), llms.ErrCodeUnknown},
		{"empty text", errors.New(""), llms.ErrCodeUnknown},
		{"status 408", errors.New("API returned unexpected status code: 408"), llms.ErrCodeTimeout},
		{"status 504", errors.New("API returned unexpected status code: 504"), llms.ErrCodeTimeout},
		{"status 413", errors.New("API returned unexpected status code: 413"), llms.ErrCodeTokenLimit},
		{"status 429 plain", errors.New("API returned unexpected status code: 429"), llms.ErrCodeRateLimit},
		{"status 429 quota", errors.New("API returned unexpected status code: 429: insufficient_quota"), llms.ErrCodeQuotaExceeded},
		{"status 400 plain", errors.New("API returned unexpected status code: 400: bad things"), llms.ErrCodeInvalidRequest},
		{"status 400 content policy", errors.New("API returned unexpected status code: 400: content_policy_violation"), llms.ErrCodeContentFilter},
		{"status 401", errors.New("API returned unexpected status code: 401"), llms.ErrCodeAuthentication},
		{"status 403", errors.New("API returned unexpected status code: 403"), llms.ErrCodeAuthentication},
		{"status 404", errors.New("API returned unexpected status code: 404"), llms.ErrCodeResourceNotFound},
		{"status 529", errors.New("API returned unexpected status code: 529"), llms.ErrCodeProviderUnavailable},
		{"status 502", errors.New("API returned unexpected status code: 502"), llms.ErrCodeProviderUnavailable},
		{"four digits are not a status", errors.New("status code: 4290"), llms.ErrCodeUnknown},
		{"grpc resource exhausted", errors.New("rpc error: code = ResourceExhausted desc = Resource has been exhausted (e.g. check quota)."), llms.ErrCodeRateLimit},
		{"grpc unavailable", errors.New("rpc error: code = Unavailable desc = connection error"), llms.ErrCodeProviderUnavailable},
		{"grpc unauthenticated", errors.New("rpc error: code = Unauthenticated desc = bad creds"), llms.ErrCodeAuthentication},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, ErrorCodeOf(tt.err))
		})
	}
}

func TestClassifyError_Wrapping(t *testing.T) {
	assert.Nil(t, ClassifyError(nil))
	assert.Nil(t, ClassifyWith(nil, "openai", nil))

	orig := fmt.Errorf("%w: API returned unexpected status code: 429: slow down", errSentinel)
	e := ClassifyError(orig)
	require.NotNil(t, e)
	assert.Equal(t, llms.ErrCodeRateLimit, e.Code)
	assert.ErrorIs(t, e, llms.ErrRateLimit)
	assert.ErrorIs(t, e, errSentinel, "the original chain stays reachable")
	assert.NotErrorIs(t, e, llms.ErrTimeout)
	assert.True(t, llms.IsRateLimitError(e))
	assert.Same(t, orig, errors.Unwrap(e))

	// Canceled and timeout codes also match the context sentinels through
	// llms.Error.Is, even when the original text lost them.
	c := ClassifyWith(nil, "openai", errors.New("request cancelled"))
	assert.ErrorIs(t, c, context.Canceled)
	assert.ErrorIs(t, c, llms.ErrCanceled)
	var le *llms.Error
	require.ErrorAs(t, c, &le)
	assert.Equal(t, "openai", le.Provider)
	to := ClassifyWith(nil, "", errors.New("request timeout: API call exceeded deadline"))
	assert.ErrorIs(t, to, context.DeadlineExceeded)

	// An already classified error is returned as is.
	pre := llms.NewError(llms.ErrCodeContentFilter, "p", "m")
	assert.Same(t, pre, ClassifyError(pre))

	// A custom classifier is used, and "" becomes unknown.
	custom := func(error) llms.ErrorCode { return "" }
	require.ErrorAs(t, ClassifyWith(custom, "p", errors.New("x")), &le)
	assert.Equal(t, llms.ErrCodeUnknown, le.Code)
	always := func(error) llms.ErrorCode { return llms.ErrCodeNotImplemented }
	assert.ErrorIs(t, ClassifyWith(always, "", errors.New("x")), llms.ErrNotImplemented)
}

func TestRetryAfter(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want time.Duration
		ok   bool
	}{
		{"nil", nil, 0, false},
		{"none", errors.New("API returned unexpected status code: 429"), 0, false},
		{"typed", fmt.Errorf("wrapped: %w", hintErr{3 * time.Second}), 3 * time.Second, true},
		{"typed zero falls back to text", hintErr{0}, 0, false},
		{"try again in seconds", errors.New("Please try again in 1.5s."), 1500 * time.Millisecond, true},
		{"try again in ms", errors.New("Please try again in 20ms."), 20 * time.Millisecond, true},
		{"try again compound", errors.New("Please try again in 1m30s"), 90 * time.Second, true},
		{"retry after words", errors.New("Requests exceeded. Please retry after 20 seconds."), 20 * time.Second, true},
		{"retry after bare", errors.New("Retry after 7"), 7 * time.Second, true},
		{"header form", errors.New("429 Too Many Requests; retry-after: 7"), 7 * time.Second, true},
		{"header ms form", errors.New("retry-after-ms: 1500"), 1500 * time.Millisecond, true},
		{"retry in", errors.New("Please retry in 2m0s"), 2 * time.Minute, true},
		{"retryDelay json", errors.New(`{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay": "37s"}`), 37 * time.Second, true},
		{"minutes word", errors.New("try again in 2 minutes"), 2 * time.Minute, true},
		{"unit must end", errors.New("try again in 5 sheep"), 5 * time.Second, true},
		{"implausible", errors.New("retry after 9999999 hours"), 0, false},
		{"no number", errors.New("please try again in a moment"), 0, false},
		{"later marker with number", errors.New("retry in soon; retry in 4s"), 4 * time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, ok := RetryAfter(tt.err)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, d)
		})
	}
}

func TestCodePredicates(t *testing.T) {
	assert.True(t, IsRetryableCode(llms.ErrCodeRateLimit))
	assert.True(t, IsRetryableCode(llms.ErrCodeTimeout))
	assert.True(t, IsRetryableCode(llms.ErrCodeProviderUnavailable))
	assert.False(t, IsRetryableCode(llms.ErrCodeQuotaExceeded))
	assert.False(t, IsRetryableCode(llms.ErrCodeCanceled))
	assert.False(t, IsModelFault(llms.ErrCodeCanceled))
	assert.False(t, IsModelFault(llms.ErrCodeInvalidRequest))
	assert.False(t, IsModelFault(llms.ErrCodeTokenLimit))
	assert.False(t, IsModelFault(llms.ErrCodeContentFilter))
	assert.True(t, IsModelFault(llms.ErrCodeUnknown))
	assert.True(t, IsModelFault(llms.ErrCodeAuthentication))
	assert.True(t, IsModelFault(llms.ErrCodeProviderUnavailable))
}

var validCodes = map[llms.ErrorCode]bool{
	llms.ErrCodeUnknown: true, llms.ErrCodeAuthentication: true, llms.ErrCodeRateLimit: true,
	llms.ErrCodeInvalidRequest: true, llms.ErrCodeResourceNotFound: true, llms.ErrCodeTimeout: true,
	llms.ErrCodeCanceled: true, llms.ErrCodeQuotaExceeded: true, llms.ErrCodeContentFilter: true,
	llms.ErrCodeTokenLimit: true, llms.ErrCodeProviderUnavailable: true, llms.ErrCodeNotImplemented: true,
}

// FuzzClassifyError checks that classification never panics, always yields a
// valid code for a non-nil error, is deterministic, and that RetryAfter returns only positive, bounded hints.
func FuzzClassifyError(f *testing.F) {
	for _, c := range loadProviderErrors(f) {
		f.Add(c.Text)
	}
	f.Add("")
	f.Add("retry-after: 99999999999999999999")
	f.Add("try again in 1.2.3s")
	f.Fuzz(func(t *testing.T, text string) {
		err := errors.New(text)
		code := ErrorCodeOf(err)
		if !validCodes[code] {
			t.Fatalf("invalid code %q for %q", code, text)
		}
		if again := ErrorCodeOf(errors.New(text)); again != code {
			t.Fatalf("not deterministic: %q then %q", code, again)
		}
		e := ClassifyError(err)
		if e == nil || e.Code != code || !errors.Is(e, err) {
			t.Fatalf("ClassifyError(%q) = %#v", text, e)
		}
		if d, ok := RetryAfter(err); ok != (d > 0) || d > MaxRetryAfterHint {
			t.Fatalf("RetryAfter(%q) = %v, %v", text, d, ok)
		}
	})
}

// opaque hides its cause's text: only the error's type can tell.
type opaque struct{ err error }

func (e opaque) Error() string { return "upstream failed" }
func (e opaque) Unwrap() error { return e.err }

// TestErrorCodeOf_HTTP2StreamErrorByType: net/http's HTTP/2 stream error,
// got from a real stream reset (a handler that aborts), is found by
// errors.As, not only by its text.
func TestErrorCodeOf_HTTP2StreamErrorByType(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }))
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	defer srv.Close()
	p := new(http.Protocols)
	p.SetUnencryptedHTTP2(true)
	tr := &http.Transport{Protocols: p}
	defer tr.CloseIdleConnections()
	_, err := (&http.Client{Transport: tr}).Get(srv.URL)
	require.Error(t, err)
	var h2 h2StreamError
	require.True(t, errors.As(err, &h2), "%T: %v", err, err)
	assert.Equal(t, uint32(1), h2.StreamID)
	assert.Equal(t, uint32(2), h2.Code, "INTERNAL_ERROR")
	assert.Equal(t, llms.ErrCodeProviderUnavailable, ErrorCodeOf(opaque{err}))
	assert.Equal(t, llms.ErrCodeUnknown, ErrorCodeOf(opaque{errors.New("odd")}), "the text alone says nothing")
}

func TestHTTP2FailureText(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"stream error: stream ID 3; INTERNAL_ERROR", true},
		{"stream error: stream ID 5; REFUSED_STREAM; received from peer", true},
		{"http2: server sent GOAWAY and closed the connection; LastStreamID=1, ErrCode=NO_ERROR, debug=\"\"", true},
		{"http2: client connection lost", true},
		{"http2: Transport received Server's graceful shutdown GOAWAY", true},
		{"connection error: PROTOCOL_ERROR", true},
		{"connection error: ENHANCE_YOUR_CALM", true},
		{"connection error: the database is down", false},
		{"http2: timeout awaiting response headers", false}, // a timeout, classed as one
		{"stream error", false},
	} {
		t.Run(tc.text, func(t *testing.T) {
			assert.Equal(t, tc.want, http2Failure(strings.ToLower(tc.text)))
		})
	}
	assert.Equal(t, llms.ErrCodeTimeout, ErrorCodeOf(errors.New("http2: timeout awaiting response headers")))
	assert.Equal(t, llms.ErrCodeProviderUnavailable, ErrorCodeOf(errors.New("stream error: stream ID 1; SETTINGS_TIMEOUT")), "not a timeout of the request")
}
