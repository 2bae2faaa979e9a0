package llmrouter

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/tmc/langchaingo/llms"
)

// checkAnswer returns why a provider's nil-error return is not an answer,
// or nil when it is one. Three cases:
//
//   - the attempt's context (attempt timeout, hedge cancellation or the
//     caller's) ended before the provider returned: langchaingo's clients
//     then return the text streamed so far with a nil error, a truncated
//     answer. The error carries the context's cause, so classify names it
//     a timeout or a cancellation;
//   - no response or no choice;
//   - in resilient mode, unless Fallback.AllowEmptyAnswers, an answer with
//     nothing in it: what the openai client makes of a 200 whose body is
//     not an event stream.
//
// The last two are provider faults (llms.ErrCodeProviderUnavailable,
// matching ErrEmptyResponse): retried and moved on from like a 5xx.
func (x *exec) checkAnswer(actx context.Context, model string, resp *llms.ContentResponse) error {
	if err := actx.Err(); err != nil {
		msg := "llmrouter: the provider returned after the attempt's context ended; its answer may be truncated"
		if cause := context.Cause(actx); cause != nil && cause != err {
			return fmt.Errorf("%s: %w (%w)", msg, cause, err)
		}
		return fmt.Errorf("%s: %w", msg, err)
	}
	if err := checkResponse(resp); err != nil {
		return &llms.Error{Code: llms.ErrCodeProviderUnavailable, Provider: model, Message: err.Error(), Cause: emptyCause(err)}
	}
	if !x.fb.plain && !x.fb.allowEmpty && isEmptyAnswer(resp) {
		return &llms.Error{Code: llms.ErrCodeProviderUnavailable, Provider: model,
			Message: "empty answer: no text, tool call or function call in any choice", Cause: ErrEmptyResponse}
	}
	return nil
}

// noAnswerError is a client's own error for a response with no answer in
// it (errclass.NoAnswer: langchaingo's "no response" for an openai
// completion with no choice or an anthropic message with no content
// block), made to match ErrEmptyResponse as its doc promises; its text is
// the client's.
type noAnswerError struct{ err error }

func (e noAnswerError) Error() string   { return e.err.Error() }
func (e noAnswerError) Unwrap() []error { return []error{e.err, ErrEmptyResponse} }

// emptyCause makes a nil response match ErrEmptyResponse too.
func emptyCause(err error) error {
	if errors.Is(err, ErrEmptyResponse) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrEmptyResponse, err)
}

// isEmptyAnswer reports whether no choice of resp has text other than
// white space, a tool call or a function call.
func isEmptyAnswer(resp *llms.ContentResponse) bool {
	for _, c := range resp.Choices {
		if c != nil && (strings.TrimSpace(c.Content) != "" || len(c.ToolCalls) > 0 || c.FuncCall != nil) {
			return false
		}
	}
	return true
}

// usage returns the usage the response reports, or the router's estimate:
// the analyzed input tokens and the counted tokens of the answer.
func (r *Router) usage(resp *llms.ContentResponse, f *Features) Usage {
	if u, ok := usageFromResponse(resp); ok {
		return u
	}
	u := Usage{InputTokens: f.Tokens, Estimated: true}
	if resp != nil {
		for _, c := range resp.Choices {
			if c != nil {
				u.OutputTokens += r.counter(c.Content)
			}
		}
	}
	return u
}

func checkResponse(resp *llms.ContentResponse) error {
	if resp == nil {
		return errNilResponse
	}
	for _, c := range resp.Choices {
		if c != nil {
			return nil
		}
	}
	return ErrEmptyResponse
}
