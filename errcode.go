package llmrouter

import (
	"github.com/llmrouter/llmrouter/internal/errclass"
	"github.com/tmc/langchaingo/llms"
)

// ErrorCodeOf classifies err into an [llms.ErrorCode]. It returns "" for a nil
// error and a non-empty code otherwise ([llms.ErrCodeUnknown] when nothing
// matches). It is pure, deterministic and safe for concurrent use. It is the
// default of [WithErrorClassifier], and a custom classifier can call it for
// the errors it does not recognize.
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
//     before answering, or sent an empty body).
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
//     it) as provider unavailable, then looser phrases ("overloaded",
//     "rate limit", "timeout", "connection refused", ...).
//
// One deliberate subtlety: a quota message that also carries a retry delay
// (Gemini answers per-minute free-tier limits with "You exceeded your current
// quota" plus "retry in 20s") is a rate limit, since waiting fixes it; the same
// message without a delay (OpenAI's insufficient_quota) is a quota error.
//
// Codes that count against a model's circuit breaker are listed at
// [breaker.IsFailure].
func ErrorCodeOf(err error) llms.ErrorCode { return errclass.ErrorCodeOf(err) }
