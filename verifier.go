package llmrouter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/llmrouter/llmrouter/internal/nilcheck"
	"github.com/tmc/langchaingo/llms"
)

// Answer is what a Verifier judges: one model's response to a request.
// The Verifier must not modify it.
type Answer struct {
	// Model is the name of the model that answered.
	Model string
	// Messages are the request's messages.
	Messages []llms.MessageContent
	// Options are the caller's call options, applied (JSONMode, Tools, …).
	Options *llms.CallOptions
	// Response is the model's response: at least one non-nil choice.
	Response *llms.ContentResponse
}

// Text returns the content of the first non-nil choice; "" when there is
// none, a nil Response or a nil Answer included.
func (a *Answer) Text() string {
	if a == nil || a.Response == nil {
		return ""
	}
	for _, c := range a.Response.Choices {
		if c != nil {
			return c.Content
		}
	}
	return ""
}

// Verifier decides whether an answer is good enough. Verify returns nil to
// accept the answer and an error saying why to reject it; the router then
// escalates to the next model of the plan whose predicted quality is higher
// than the rejected model's, within the request's Hints.MaxCost, and
// records the reason in Attempt.Rejected.
//
// When every answer is rejected (or no stronger model is left or
// affordable), GenerateContent returns a *RejectedError, matching
// ErrRejected, that carries the last rejected answer — that of the
// strongest model tried — so a caller who prefers a doubtful answer to none
// can still take it. A streamed answer that already reached the caller
// (unbuffered streaming) cannot be taken back: its rejection is recorded and
// the answer returned.
//
// Verify runs after each successful attempt, possibly concurrently for
// hedged attempts: implementations must be safe for concurrent use. ctx is
// the request's context, or for a hedged attempt the hedge's, which the
// router cancels when another attempt wins or stops the plan (the
// verification then counts as cancelled, not as a rejection); a verifier
// that calls a judge model should honour it.
type Verifier interface {
	Verify(ctx context.Context, a *Answer) error
}

// VerifierFunc adapts a function to Verifier.
type VerifierFunc func(ctx context.Context, a *Answer) error

// Verify calls f.
func (f VerifierFunc) Verify(ctx context.Context, a *Answer) error { return f(ctx, a) }

// Verifiers returns a Verifier that runs vs in order, each with the
// Verify call's ctx, and rejects with the first rejection (nil entries are
// skipped); it adds no check of ctx of its own, so a verifier that returns
// when ctx ends ends the list with its error. New fails on an entry that is
// a nil pointer or nil func, as it does for Fallback.Verifier itself. The
// result keeps a copy of the list (reusing the slice afterwards does not
// change it) and is as safe for concurrent use as its entries.
func Verifiers(vs ...Verifier) Verifier { return verifierList(slices.Clone(vs)) }

type verifierList []Verifier

func (l verifierList) Verify(ctx context.Context, a *Answer) error {
	for _, v := range l {
		if v == nil {
			continue
		}
		if err := v.Verify(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// checkNil names the first entry of l, nested lists included, that is a
// nil pointer or nil func: it would panic on every verification.
func (l verifierList) checkNil() error {
	for i, v := range l {
		if inner, ok := v.(verifierList); ok {
			if err := inner.checkNil(); err != nil {
				return err
			}
			continue
		}
		if nilcheck.PointerOrFunc(v) {
			return fmt.Errorf("Verifiers entry %d is a nil %T (did its constructor fail?)", i, v)
		}
	}
	return nil
}

// The built-in verifiers. Each is safe for concurrent use.
var (
	// RejectEmpty rejects an answer whose first choice has neither text
	// (beyond white space) nor tool calls.
	RejectEmpty Verifier = VerifierFunc(rejectEmpty)
	// RejectRefusal rejects an answer whose text begins (within its first
	// 200 bytes, case-insensitively) with one of RefusalPhrases.
	RejectRefusal Verifier = VerifierFunc(rejectRefusal)
	// RejectInvalidJSON rejects an answer that is not valid JSON when the
	// caller asked for JSON (llms.WithJSONMode, or a ResponseMIMEType of
	// application/json). A Markdown code fence around the JSON is allowed.
	RejectInvalidJSON Verifier = VerifierFunc(rejectInvalidJSON)
	// RejectInvalidToolCalls rejects an answer with a tool call that has no
	// function name or whose arguments are not a valid JSON value.
	RejectInvalidToolCalls Verifier = VerifierFunc(rejectInvalidToolCalls)
	// DefaultVerifier runs all four built-ins: empty, refusal, invalid JSON,
	// invalid tool calls.
	DefaultVerifier = Verifiers(RejectEmpty, RejectRefusal, RejectInvalidJSON, RejectInvalidToolCalls)
)

// RefusalPhrases are the lower-case openings RejectRefusal treats as a
// refusal: the stock phrasings of OpenAI, Anthropic, Google and open models
// declining a request. Change it only before using the router.
var RefusalPhrases = []string{
	"i'm sorry, but i can't",
	"i'm sorry, but i cannot",
	"i’m sorry, but i can’t",
	"i am sorry, but i cannot",
	"i'm sorry, i can't",
	"i cannot help with that",
	"i can't help with that",
	"i can’t help with that",
	"i can't assist with that",
	"i can’t assist with that",
	"i cannot assist with that",
	"i'm unable to help with that",
	"i'm not able to help with that",
	"i am unable to",
	"i won't be able to help",
	"as an ai language model, i cannot",
	"i apologize, but i cannot",
}

// firstChoice is a's first non-nil choice; nil for a nil answer.
func firstChoice(a *Answer) *llms.ContentChoice {
	if a == nil || a.Response == nil {
		return nil
	}
	r := a.Response
	for _, c := range r.Choices {
		if c != nil {
			return c
		}
	}
	return nil
}

func rejectEmpty(_ context.Context, a *Answer) error {
	c := firstChoice(a)
	if c == nil || (strings.TrimSpace(c.Content) == "" && len(c.ToolCalls) == 0 && c.FuncCall == nil) {
		return errors.New("empty answer")
	}
	return nil
}

func rejectRefusal(_ context.Context, a *Answer) error {
	c := firstChoice(a)
	if c == nil {
		return nil
	}
	head := strings.TrimLeft(c.Content, " \t\r\n\"'*")
	if len(head) > 200 {
		head = head[:200]
	}
	head = strings.ToLower(head)
	for _, p := range RefusalPhrases {
		if strings.Contains(head, p) {
			return fmt.Errorf("refusal (%q)", p)
		}
	}
	return nil
}

func jsonRequested(o *llms.CallOptions) bool {
	return o != nil && (o.JSONMode || strings.EqualFold(o.ResponseMIMEType, "application/json"))
}

func rejectInvalidJSON(_ context.Context, a *Answer) error {
	if a == nil || !jsonRequested(a.Options) {
		return nil
	}
	c := firstChoice(a)
	if c == nil || (c.Content == "" && len(c.ToolCalls) > 0) {
		return nil // a tool call is not the JSON answer
	}
	if !json.Valid([]byte(stripFence(c.Content))) {
		return errors.New("invalid JSON in JSON mode")
	}
	return nil
}

// stripFence removes white space and one Markdown code fence (```json … ```)
// around s.
func stripFence(s string) string {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "```") {
		return s
	}
	s = strings.TrimPrefix(s, "```")
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[i+1:] // drop the info string ("json")
	} else {
		return s
	}
	s = strings.TrimSpace(s)
	return strings.TrimSpace(strings.TrimSuffix(s, "```"))
}

func rejectInvalidToolCalls(_ context.Context, a *Answer) error {
	c := firstChoice(a)
	if c == nil {
		return nil
	}
	check := func(name, args string) error {
		if name == "" {
			return errors.New("tool call without a function name")
		}
		if strings.TrimSpace(args) == "" {
			return nil // no arguments
		}
		if !json.Valid([]byte(args)) {
			return fmt.Errorf("tool call %q: arguments are not valid JSON", name)
		}
		return nil
	}
	for _, tc := range c.ToolCalls {
		if tc.FunctionCall == nil {
			return errors.New("tool call without a function")
		}
		if err := check(tc.FunctionCall.Name, tc.FunctionCall.Arguments); err != nil {
			return err
		}
	}
	if c.FuncCall != nil {
		return check(c.FuncCall.Name, c.FuncCall.Arguments)
	}
	return nil
}

// RejectedError is returned when the Verifier rejected every answer and no
// stronger affordable model was left. It matches ErrRejected and unwraps to
// the verifier's last rejection.
type RejectedError struct {
	// Model answered Response, the last rejected answer (from the
	// strongest model tried); Reason is the verifier's rejection.
	Model    string
	Response *llms.ContentResponse
	Reason   error
	// Decision is the request's decision, every attempt included.
	Decision *Decision
}

func (e *RejectedError) Error() string {
	return fmt.Sprintf("%s: last answer from %s: %v", ErrRejected.Error(), e.Model, e.Reason)
}

// Is reports whether target is ErrRejected.
func (e *RejectedError) Is(target error) bool { return target == ErrRejected }

// Unwrap returns the verifier's rejection.
func (e *RejectedError) Unwrap() error { return e.Reason }
