package llmrouter

import (
	"errors"
	"slices"
	"strconv"
	"strings"
)

// Sentinel errors. Match them with errors.Is.
var (
	// ErrNoProviders: New was given no providers.
	ErrNoProviders = errors.New("llmrouter: no providers")
	// ErrNoMessages: a request had no messages, or none with any content.
	ErrNoMessages = errors.New("llmrouter: no messages")
	// ErrNoCandidate: the policy removed every model. The error that
	// matches it is a *NoCandidateError listing each model and why.
	ErrNoCandidate = errors.New("llmrouter: no candidate model")
	// ErrAllFailed: every attempt of the plan failed. The error that
	// matches it is an *AllFailedError listing every attempt.
	ErrAllFailed = errors.New("llmrouter: all attempts failed")
	// ErrEmptyResponse: a provider returned no response or no choices,
	// or (resilient mode, see Fallback.AllowEmptyAnswers) an answer with
	// no text, tool call or function call. The attempt's error matches it
	// and llms.ErrProviderUnavailable.
	ErrEmptyResponse = errors.New("llmrouter: empty response")
)

// NoCandidateError says why each model was removed from a request's
// candidates. It matches ErrNoCandidate.
type NoCandidateError struct {
	Candidates []Candidate
}

func (e *NoCandidateError) Error() string {
	var b strings.Builder
	b.WriteString(ErrNoCandidate.Error())
	b.WriteString(": ")
	for i, c := range e.Candidates {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(c.Model)
		b.WriteString(": ")
		if c.Removed == "" {
			b.WriteString("not selected by the policy")
		} else {
			b.WriteString(c.Removed)
		}
	}
	return b.String()
}

// Is reports whether target is ErrNoCandidate.
func (e *NoCandidateError) Is(target error) bool { return target == ErrNoCandidate }

// Reasons returns the distinct removal reasons, in model order: often one
// ("not allowed on tier …") explains the whole refusal.
func (e *NoCandidateError) Reasons() []string {
	var out []string
	for _, c := range e.Candidates {
		r := c.Removed
		if r == "" {
			r = "not selected by the policy"
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// AllFailedError lists every failed attempt of a plan. It matches
// ErrAllFailed and unwraps to each attempt's error, so errors.Is(err,
// llms.ErrRateLimit) holds when any attempt was rate limited.
type AllFailedError struct {
	Attempts []Attempt
}

func (e *AllFailedError) Error() string {
	var b strings.Builder
	b.WriteString(ErrAllFailed.Error())
	b.WriteString(" (")
	b.WriteString(strconv.Itoa(len(e.Attempts)))
	b.WriteString(" attempts)")
	for i, a := range e.Attempts {
		b.WriteString("; ")
		b.WriteString(strconv.Itoa(i + 1))
		b.WriteString(". ")
		b.WriteString(a.Model)
		if a.Code != "" {
			b.WriteString(" [")
			b.WriteString(string(a.Code))
			b.WriteString("]")
		}
		if a.Err != nil {
			b.WriteString(": ")
			b.WriteString(a.Err.Error())
		}
	}
	return b.String()
}

// Is reports whether target is ErrAllFailed.
func (e *AllFailedError) Is(target error) bool { return target == ErrAllFailed }

// Unwrap returns every attempt's error.
func (e *AllFailedError) Unwrap() []error {
	errs := make([]error, 0, len(e.Attempts))
	for _, a := range e.Attempts {
		if a.Err != nil {
			errs = append(errs, a.Err)
		}
	}
	return errs
}

func itoa(n int) string { return strconv.Itoa(n) }
