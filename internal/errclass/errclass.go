// Package errclass classifies provider errors into langchaingo's
// [llms.ErrorCode]s and reads retry hints from their text. The root package
// re-exports [ErrorCodeOf]; package breaker uses [IsModelFault]. Everything
// here is pure and safe for concurrent use.
package errclass

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/tmc/langchaingo/llms"
)

// ErrorCodeOf classifies err into an [llms.ErrorCode]. It returns "" for a nil
// error and a non-empty code otherwise ([llms.ErrCodeUnknown] when nothing
// matches). It is pure, deterministic and safe for concurrent use.
//
// The rules, in order:
//
//  1. An [*llms.Error] anywhere in the chain with a code other than
//     [llms.ErrCodeUnknown] wins: whoever built it knew more than we do.
//  2. [context.Canceled] is canceled; [context.DeadlineExceeded] and a
//     [net.Error] whose Timeout() is true are timeouts; any other
//     [*net.OpError] (connection refused, reset, DNS failure) means the
//     provider is unavailable, and so does a [*json.SyntaxError] or
//     [*json.UnmarshalTypeError] (a 200 whose body was not the JSON answer,
//     as the openai and anthropic clients return it), and so does
//     [io.EOF] or [io.ErrUnexpectedEOF] (the server closed the connection
//     before answering, or sent an empty body), and so does net/http's
//     HTTP/2 stream error (the server reset the request's stream; matched
//     by errors.As through the As method net/http gives it, see
//     h2StreamError).
//  3. The error text. langchaingo's clients return plain strings (the
//     openai and anthropic clients "API returned unexpected status code: 429:
//     <message>", mistral-go "(HTTP Error 429) <body>", the Gemini REST client
//     "googleapi: Error 429: <message>", ollama the bare server message), so
//     phrases that pin the cause down are tried first (context length, content
//     policy, quota, bad API key, unknown model), then the HTTP status code
//     (408/504 timeout, 429 rate limit, 401/403 authentication, 404 not found,
//     413 token limit, 402 quota, other 4xx invalid request, 5xx and 529
//     provider unavailable), then a client's "no response" or "empty
//     response" (langchaingo's ErrEmptyResponse: a 200 with no answer in
//     it) as provider unavailable, then HTTP/2 transport failures as
//     provider unavailable (see http2Failure: the texts of net/http's and
//     golang.org/x/net/http2's GOAWAY, stream and connection errors, a
//     connection lost to the health check), then looser phrases
//     ("overloaded", "rate limit", "timeout", "connection refused", ...).
//
// One deliberate subtlety: a quota message that also carries a retry delay
// (Gemini answers per-minute free-tier limits with "You exceeded your current
// quota" plus "retry in 20s") is a rate limit, since waiting fixes it; the same
// message without a delay (OpenAI's insufficient_quota) is a quota error.
func ErrorCodeOf(err error) llms.ErrorCode {
	if err == nil {
		return ""
	}
	var le *llms.Error
	if errors.As(err, &le) && le.Code != "" && le.Code != llms.ErrCodeUnknown {
		return le.Code
	}
	if errors.Is(err, context.Canceled) {
		return llms.ErrCodeCanceled
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return llms.ErrCodeTimeout
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return llms.ErrCodeTimeout
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return llms.ErrCodeProviderUnavailable
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	if errors.As(err, &se) || errors.As(err, &te) {
		return llms.ErrCodeProviderUnavailable // a 200 whose body is not the JSON answer
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return llms.ErrCodeProviderUnavailable // the connection closed before an answer, or an empty body
	}
	var h2 h2StreamError
	if errors.As(err, &h2) {
		return llms.ErrCodeProviderUnavailable // the server reset the stream (RST_STREAM)
	}
	return classifyText(err.Error())
}

// NoAnswer reports whether err is a client's report of a response with no
// answer in it ("no response", "empty response": see noAnswer) that
// ErrorCodeOf classifies as provider unavailable (a status error whose
// message ends in those words is not one).
func NoAnswer(err error) bool {
	return err != nil && noAnswer(strings.ToLower(err.Error())) && ErrorCodeOf(err) == llms.ErrCodeProviderUnavailable
}

// noAnswer reports whether s (lower case) is the error of a client that
// got a response with no answer in it: langchaingo's clients return
// their ErrEmptyResponse, "no response" (openai: no choice; anthropic: no
// content block, or a stream with no message), as it is or wrapped.
func noAnswer(s string) bool {
	for _, p := range [...]string{"no response", "empty response"} {
		if s == p || strings.HasSuffix(s, ": "+p) {
			return true
		}
	}
	return false
}

// ClassifyError returns err as an [*llms.Error] whose Code is
// [ErrorCodeOf](err) and whose Cause is err, so that both
// errors.Is(e, llms.ErrRateLimit) and errors.Is(e, anySentinelInErr) hold.
// An err that already is an [*llms.Error] with a known code is returned as is.
// It returns nil for a nil err.
func ClassifyError(err error) *llms.Error {
	return ClassifyWith(nil, "", err)
}

// ClassifyWith is [ClassifyError] with a chosen classifier (nil means
// [ErrorCodeOf]) and provider name (recorded in [llms.Error.Provider], may be
// empty). It returns nil for a nil err.
func ClassifyWith(classify func(error) llms.ErrorCode, provider string, err error) *llms.Error {
	if err == nil {
		return nil
	}
	if classify == nil {
		classify = ErrorCodeOf
	}
	if le, ok := err.(*llms.Error); ok && le.Code != "" && le.Code != llms.ErrCodeUnknown {
		return le
	}
	code := classify(err)
	if code == "" {
		code = llms.ErrCodeUnknown
	}
	return &llms.Error{Code: code, Provider: provider, Message: err.Error(), Cause: err}
}

// IsRetryableCode reports whether retrying the same model later may succeed:
// rate limits, timeouts and an unavailable provider.
func IsRetryableCode(code llms.ErrorCode) bool {
	switch code {
	case llms.ErrCodeRateLimit, llms.ErrCodeTimeout, llms.ErrCodeProviderUnavailable:
		return true
	}
	return false
}

// IsModelFault reports whether an error of this code says something about the
// model's health (and so should count against it in a breaker) rather than
// about the request or the caller: canceled, invalid request, token limit and
// content filter are not the model's fault; everything else, unknown
// included, is.
func IsModelFault(code llms.ErrorCode) bool {
	switch code {
	case "", llms.ErrCodeCanceled, llms.ErrCodeInvalidRequest, llms.ErrCodeTokenLimit,
		llms.ErrCodeContentFilter:
		return false
	}
	return true
}

// Phrase tables, matched against the lower-cased error text. The comment on
// each entry names a source; see testdata/provider_errors.json for the full
// texts.
var (
	// Matched before the status code: these name the cause precisely even
	// when the status code is a generic 400 or 429.
	tokenLimitPhrases = []string{
		"context_length_exceeded",              // OpenAI error code
		"maximum context length",               // OpenAI, Mistral (vLLM style)
		"prompt is too long",                   // Anthropic 400
		"exceeds the maximum number of tokens", // Gemini 400
		"too large for model",                  // Mistral 400
		"request too large",                    // OpenAI 429 TPM "Request too large for gpt-4"
		"request_too_large",                    // Anthropic 413 type
		"request exceeds the maximum allowed",  // Anthropic 413 message
		"context window",                       // generic
		"token limit",                          // generic
		"string_above_max_length",              // OpenAI
		"input is too long",                    // Ollama / llama.cpp
		"reduce the length of the messages",    // OpenAI
		"tokens exceeds the model's context",   // generic
		"input length and `max_tokens` exceed", // Anthropic
		"exceeds the context window",           // generic
		"maximum number of tokens allowed",     // Gemini
		"context length",                       // generic, last
	}
	contentFilterPhrases = []string{
		"content_filter",               // Azure OpenAI error code
		"content management policy",    // Azure OpenAI message
		"content_policy_violation",     // OpenAI images
		"content policy",               // generic
		"safety system",                // OpenAI
		"responsibleaipolicyviolation", // Azure inner error
		"blocked: candidate",           // genai.BlockedError
		"blocked: prompt",              // genai.BlockedError
		"finishreasonsafety",           // genai
		"blockreasonsafety",            // genai
		"finishreasonrecitation",       // genai
		"blocked by safety",            // generic
	}
	quotaPhrases = []string{
		"insufficient_quota",          // OpenAI type (when a proxy keeps it)
		"exceeded your current quota", // OpenAI insufficient_quota, Gemini
		"credit balance is too low",   // Anthropic 400
		"billing",                     // OpenAI billing_hard_limit_reached, Gemini
		"quota exceeded",              // generic
		"quota_exceeded",              // generic
		"payment required",            // 402
		"out of credits",              // generic
	}
	// A quota that resets daily is a quota even when the provider suggests
	// a retry delay (Gemini's GenerateRequestsPerDayPerProjectPerModel).
	perDayPhrases = []string{"perday", "per day", "daily"}
	// Precise authentication phrases (Gemini answers a bad key with a 400).
	authPhrases = []string{
		"invalid_api_key",      // OpenAI code
		"incorrect api key",    // OpenAI 401
		"invalid x-api-key",    // Anthropic 401
		"api key not valid",    // Gemini 400 API_KEY_INVALID
		"api_key_invalid",      // Gemini reason
		"authentication_error", // Anthropic type
		"permission_error",     // Anthropic 403 type
		"invalid api key",      // generic
		"missing the openai api key",
		"missing the anthropic api key",
	}
	notFoundPhrases = []string{
		"model_not_found",      // OpenAI code
		"invalid model",        // Mistral 400 "Invalid model: x"
		"not_found_error",      // Anthropic type
		"no such model",        // generic
		"try pulling it first", // Ollama 404 'model "x" not found, try pulling it first'
	}

	// Matched after the status code, when there is none.
	canceledPhrases = []string{
		"context canceled",  // context.Canceled text
		"request cancelled", // openai client's sanitizeHTTPError
		"operation was canceled",
	}
	timeoutPhrases = []string{
		"request timeout",         // openai client's sanitizeHTTPError
		"deadline exceeded",       // context.DeadlineExceeded text
		"deadline expired",        // Gemini 504
		"client.timeout exceeded", // net/http
		"timed out",               // net
		"i/o timeout",             // net
		"timeout",                 // generic
	}
	rateLimitPhrases = []string{
		"rate limit", // OpenAI "Rate limit reached", Anthropic, Mistral
		"rate_limit", // Anthropic rate_limit_error, OpenAI rate_limit_exceeded
		"ratelimit",
		"too many requests",           // 429 status text
		"resource has been exhausted", // Gemini 429
		"resource_exhausted",          // Gemini status
		"resourceexhausted",           // gRPC code name
		"tokens per min",              // OpenAI
		"requests per min",            // OpenAI
		"throttl",                     // generic
	}
	unavailablePhrases = []string{
		"overloaded",                    // Anthropic 529 overloaded_error, OpenAI 503, Gemini 503
		"service unavailable",           // 503 status text
		"temporarily unavailable",       // generic
		"server had an error",           // OpenAI 500
		"internal server error",         // Anthropic 500 api_error
		"an internal error",             // Gemini 500
		"internal error",                // Mistral
		"api_error",                     // Anthropic type
		"bad gateway",                   // 502 status text
		"gateway timeout",               // 504 status text (timeout matched first)
		"connection refused",            // Ollama not running
		"connection reset",              // network
		"no such host",                  // DNS
		"failed to reach api server",    // openai client's sanitizeHTTPError
		"unexpected eof",                // stream cut
		"broken pipe",                   // network
		"server closed",                 // net/http
		"runner process has terminated", // Ollama crash
		"server busy",                   // Ollama 503 "server busy, please try again.  maximum pending requests exceeded"
		": eof",                         // a connection dropped: Ollama's "POST predict: Post \"…/completion\": EOF" (its runner crashed)
		"server_error",                  // OpenAI type
		"unavailable",                   // gRPC code name, generic
	}
	authLoosePhrases = []string{
		"unauthorized",
		"unauthenticated", // gRPC
		"permission denied",
		"permissiondenied", // gRPC
		"forbidden",
		"authentication",
		"api key",
	}
	notFoundLoosePhrases = []string{
		"does not exist", // OpenAI 404
		"not found",      // Ollama, Gemini, generic
		"notfound",       // gRPC
	}
	invalidPhrases = []string{
		"invalid_request_error", // OpenAI, Anthropic, Mistral type
		"invalid request",
		"bad request",
		"invalidargument", // gRPC
		"invalid argument",
	}
)

func containsAny(s string, phrases []string) bool {
	for _, p := range phrases {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// classifyText classifies an error message. It never returns "".
func classifyText(text string) llms.ErrorCode {
	s := strings.ToLower(text)
	status := statusCodeOf(s)

	if containsAny(s, canceledPhrases) && status == 0 {
		return llms.ErrCodeCanceled
	}
	switch {
	case containsAny(s, tokenLimitPhrases):
		return llms.ErrCodeTokenLimit
	case containsAny(s, contentFilterPhrases):
		return llms.ErrCodeContentFilter
	case containsAny(s, quotaPhrases):
		if _, ok := retryAfterText(s); ok && (status == 0 || status == 429) && !containsAny(s, perDayPhrases) {
			return llms.ErrCodeRateLimit
		}
		return llms.ErrCodeQuotaExceeded
	case containsAny(s, authPhrases):
		return llms.ErrCodeAuthentication
	case containsAny(s, notFoundPhrases):
		return llms.ErrCodeResourceNotFound
	}
	if code, ok := statusCodeClass(status); ok {
		return code
	}
	switch {
	case noAnswer(s), http2Failure(s):
		return llms.ErrCodeProviderUnavailable
	case containsAny(s, timeoutPhrases):
		return llms.ErrCodeTimeout
	case containsAny(s, rateLimitPhrases):
		return llms.ErrCodeRateLimit
	case containsAny(s, unavailablePhrases):
		return llms.ErrCodeProviderUnavailable
	case containsAny(s, authLoosePhrases):
		return llms.ErrCodeAuthentication
	case containsAny(s, notFoundLoosePhrases):
		return llms.ErrCodeResourceNotFound
	case containsAny(s, invalidPhrases):
		return llms.ErrCodeInvalidRequest
	}
	return llms.ErrCodeUnknown
}

// statusCodeClass maps an HTTP status code to an error code.
func statusCodeClass(status int) (llms.ErrorCode, bool) {
	switch {
	case status == 408 || status == 504:
		return llms.ErrCodeTimeout, true
	case status == 429:
		return llms.ErrCodeRateLimit, true
	case status == 401 || status == 403:
		return llms.ErrCodeAuthentication, true
	case status == 404:
		return llms.ErrCodeResourceNotFound, true
	case status == 413:
		return llms.ErrCodeTokenLimit, true
	case status == 402:
		return llms.ErrCodeQuotaExceeded, true
	case status == 499:
		return llms.ErrCodeCanceled, true
	case status >= 400 && status < 500:
		return llms.ErrCodeInvalidRequest, true
	case status >= 500 && status < 600:
		return llms.ErrCodeProviderUnavailable, true
	}
	return "", false
}

// statusMarkers precede an HTTP status code in the texts the clients produce.
var statusMarkers = []string{
	"status code: ",           // openai, anthropic clients
	"status code ",            // generic
	"(http error ",            // mistral-go
	"googleapi: error ",       // Gemini REST (gax apierror, googleapi.Error)
	"got http response code ", // googleapi.Error without a message
	"status: ",                // generic
	"http status ",            // generic
}

// statusCodeOf finds an HTTP status code (100–599) in the lower-cased text s,
// or returns 0. A text starting with a status line ("404 not found: ...", as
// ollama's StatusError prints) counts too.
func statusCodeOf(s string) int {
	for _, m := range statusMarkers {
		if i := strings.Index(s, m); i >= 0 {
			if c := threeDigits(s[i+len(m):]); c != 0 {
				return c
			}
		}
	}
	if c := threeDigits(s); c != 0 && len(s) > 4 && s[3] == ' ' && s[4] >= 'a' && s[4] <= 'z' {
		return c
	}
	return 0
}

// threeDigits parses a status code at the start of s: exactly three digits in
// 100–599 not followed by another digit.
func threeDigits(s string) int {
	if len(s) < 3 {
		return 0
	}
	for i := 0; i < 3; i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0
		}
	}
	if len(s) > 3 && s[3] >= '0' && s[3] <= '9' {
		return 0
	}
	c := int(s[0]-'0')*100 + int(s[1]-'0')*10 + int(s[2]-'0')
	if c < 100 || c > 599 {
		return 0
	}
	return c
}

// RetryAfter extracts a server's hint of how long to wait before retrying.
// It looks, in order, for a value anywhere in the chain implementing
// interface{ RetryAfter() time.Duration } with a positive result, then in the
// error text for the forms providers use:
//
//	"Please try again in 6s" / "in 1.5s" / "in 20ms" / "in 7m12s"   (OpenAI 429 bodies)
//	"retry in 20s" / "Please retry in 2.9s"                         (Gemini RetryInfo, gax "error details: retry in 20s")
//	"retry after 20 seconds" / "Retry after 7"                      (Azure OpenAI 429 bodies)
//	"retry-after: 7", "retry-after-ms: 1500", "retryDelay": "20s"   (headers or JSON details quoted in a message)
//
// A bare number is in seconds. Hints longer than 24 hours are ignored as
// implausible. It returns (0, false) when there is no hint.
func RetryAfter(err error) (time.Duration, bool) {
	if err == nil {
		return 0, false
	}
	var ra interface{ RetryAfter() time.Duration }
	if errors.As(err, &ra) {
		if d := ra.RetryAfter(); d > 0 && d <= MaxRetryAfterHint {
			return d, true
		}
	}
	return retryAfterText(strings.ToLower(err.Error()))
}

const MaxRetryAfterHint = 24 * time.Hour

var retryMarkers = []struct {
	marker string
	unit   time.Duration // unit of a bare number
}{
	{"retry-after-ms", time.Millisecond},
	{"retry-after", time.Second},
	{"retry_after", time.Second},
	{"retrydelay", time.Second},
	{"try again in", time.Second},
	{"retry in", time.Second},
	{"retry after", time.Second},
	{"try again after", time.Second},
}

// retryAfterText finds a retry hint in the lower-cased text s.
func retryAfterText(s string) (time.Duration, bool) {
	for _, m := range retryMarkers {
		rest := s
		for {
			i := strings.Index(rest, m.marker)
			if i < 0 {
				break
			}
			rest = rest[i+len(m.marker):]
			if d, ok := parseHintDuration(rest, m.unit); ok {
				return d, true
			}
		}
	}
	return 0, false
}

// parseHintDuration parses a duration at the start of s after skipping
// separators: "20s", "1.5s", "7m12s", "20 seconds", "500ms", "7" (bare
// number in unit bare).
func parseHintDuration(s string, bare time.Duration) (time.Duration, bool) {
	s = strings.TrimLeft(s, " \t:=\"'")
	var total time.Duration
	parsed := false
	for {
		n := 0
		for n < len(s) && (s[n] >= '0' && s[n] <= '9' || s[n] == '.') {
			n++
		}
		if n == 0 || n > 20 {
			break
		}
		v, err := strconv.ParseFloat(s[:n], 64)
		if err != nil || v < 0 {
			break
		}
		s = s[n:]
		rest := strings.TrimLeft(s, " ")
		unit, ul := hintUnit(rest)
		if ul == 0 {
			if parsed {
				break // "7m12" is malformed; keep what we have
			}
			unit = bare
		} else {
			s = rest[ul:]
		}
		d := v * float64(unit)
		if d > float64(MaxRetryAfterHint) {
			return 0, false
		}
		total += time.Duration(d)
		parsed = true
		if ul == 0 || len(s) == 0 || s[0] < '0' || s[0] > '9' {
			break
		}
	}
	if !parsed || total <= 0 || total > MaxRetryAfterHint {
		return 0, false
	}
	return total, true
}

var hintUnits = []struct {
	name string
	unit time.Duration
}{
	{"milliseconds", time.Millisecond},
	{"millisecond", time.Millisecond},
	{"ms", time.Millisecond},
	{"seconds", time.Second},
	{"second", time.Second},
	{"secs", time.Second},
	{"sec", time.Second},
	{"minutes", time.Minute},
	{"minute", time.Minute},
	{"mins", time.Minute},
	{"min", time.Minute},
	{"hours", time.Hour},
	{"hour", time.Hour},
	{"h", time.Hour},
	{"m", time.Minute},
	{"s", time.Second},
}

// hintUnit returns the unit at the start of s and its length, or 0 length
// when there is none. A unit must not run into further letters ("5 sheep").
func hintUnit(s string) (time.Duration, int) {
	for _, u := range hintUnits {
		if strings.HasPrefix(s, u.name) {
			end := len(u.name)
			if end < len(s) && s[end] >= 'a' && s[end] <= 'z' {
				continue
			}
			return u.unit, end
		}
	}
	return 0, 0
}
