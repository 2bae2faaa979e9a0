package dataset

import (
	"encoding/json"
	"math"
	"sort"
	"strings"
)

// The outcomes dataset format: one JSON object per line, each a prompt
// and the per-model outcomes observed for it.
//
//	{"id": "gsm8k/17", "task": "gsm8k", "prompt": "Natalia sold clips to ...",
//	 "outcomes": {"gpt-4-1106-preview": {"score": 1}, "mixtral": {"score": 0, "cost": 0.00012}}}

// Record is one line of an outcomes dataset: a prompt and, per model, what
// that model's answer to it was worth.
//
// Keys: a line's keys other than a Record's (id, task, prompt, turns,
// messages, outcomes) are ignored, so a record may carry metadata of its
// own; an outcome's keys are a closed set (score, cost, latency_ms, answer,
// output_chars), and any other is an ErrSyntax naming it, as it is most
// likely a misspelling whose value would be lost. Keys match ignoring case
// ("Score" is score), as encoding/json matches them; two spellings of one
// key in one object ("score" and "Score") are an ErrDuplicate.
//
// A Record is a plain value; it is safe for concurrent reads, not for
// concurrent writes.
type Record struct {
	// ID identifies the record; it must be non-empty and unique in a dataset.
	ID string `json:"id"`
	// Task is the sub-benchmark or traffic class ("mmlu/anatomy", "gsm8k"); optional.
	Task string `json:"task,omitempty"`
	// Prompt is the user prompt (for a multi-turn record, the first turn:
	// a record read with turns and no prompt gets its first turn here).
	Prompt string `json:"prompt"`
	// Turns holds the user turns of a multi-turn conversation; optional.
	Turns []string `json:"turns,omitempty"`
	// Messages is the conversation as langchaingo message JSON, kept raw
	// (not decoded); optional.
	Messages json.RawMessage `json:"messages,omitempty"`
	// Outcomes maps a model name to its outcome on this prompt. A model
	// without a result for this prompt is absent.
	Outcomes map[string]Outcome `json:"outcomes"`

	// Line is the 1-based line the record was read from; 0 for a record
	// built in memory. It is not written.
	Line int `json:"-"`
}

// Outcome is one model's result on one prompt.
type Outcome struct {
	// Score is in [0,1]; 1 = acceptable / correct / best. Graded scores are allowed.
	Score float64 `json:"score"`
	// Cost is the USD charged for the answer; nil when unknown.
	Cost *float64 `json:"cost,omitempty"`
	// LatencyMS is the answer's latency in milliseconds; 0 when unknown.
	LatencyMS float64 `json:"latency_ms,omitempty"`
	// Answer is the model's answer text, where the dataset carries it
	// (what an answer verifier learns from); empty when unknown.
	Answer string `json:"answer,omitempty"`
	// OutputChars is the answer's length in characters; 0 when unknown.
	OutputChars int `json:"output_chars,omitempty"`
}

// CostValue returns the outcome's cost and whether it is known.
func (o Outcome) CostValue() (float64, bool) {
	if o.Cost == nil {
		return 0, false
	}
	return *o.Cost, true
}

// WithCost returns a copy of o whose cost is usd.
func (o Outcome) WithCost(usd float64) Outcome {
	o.Cost = &usd
	return o
}

// MaxMagnitude bounds an outcome's cost (USD) and latency (ms): far above
// any real answer's, and low enough that sums over any dataset stay
// finite. A larger value is ErrRange.
const MaxMagnitude = 1e15

// Validate checks one record: a non-empty id, a prompt (or turns or
// messages), at least one outcome, a model name for each, scores in [0,1],
// costs and latencies in [0, MaxMagnitude]. It returns nil, a *Error,
// or a *Errors when there are several problems.
func (r *Record) Validate() error {
	errs := validateRecord(r, r.Line)
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	default:
		return &Errors{Errs: errs}
	}
}

func validateRecord(r *Record, line int) []*Error {
	var errs []*Error
	if strings.TrimSpace(r.ID) == "" {
		errs = append(errs, dsErr(line, "", "id", ErrMissing, "id is missing or empty"))
	}
	if strings.TrimSpace(r.Prompt) == "" && len(r.Turns) == 0 && len(r.Messages) == 0 {
		errs = append(errs, dsErr(line, r.ID, "prompt", ErrMissing, "prompt is empty and there are no turns or messages"))
	}
	if len(r.Outcomes) == 0 {
		errs = append(errs, dsErr(line, r.ID, "outcomes", ErrMissing, "no outcomes"))
	}
	for _, name := range sortedKeys(r.Outcomes) {
		o := r.Outcomes[name]
		field := "outcomes." + name
		if strings.TrimSpace(name) == "" {
			errs = append(errs, dsErr(line, r.ID, "outcomes", ErrMissing, "empty model name"))
		}
		if math.IsNaN(o.Score) || o.Score < 0 || o.Score > 1 {
			errs = append(errs, dsErr(line, r.ID, field+".score", ErrRange, "score %v outside [0,1]", o.Score))
		}
		if o.Cost != nil && (math.IsNaN(*o.Cost) || math.IsInf(*o.Cost, 0) || *o.Cost < 0) {
			errs = append(errs, dsErr(line, r.ID, field+".cost", ErrRange, "cost %v is negative or not finite", *o.Cost))
		} else if o.Cost != nil && *o.Cost > MaxMagnitude {
			errs = append(errs, dsErr(line, r.ID, field+".cost", ErrRange, "cost %v is above %g (MaxMagnitude)", *o.Cost, float64(MaxMagnitude)))
		}
		if math.IsNaN(o.LatencyMS) || math.IsInf(o.LatencyMS, 0) || o.LatencyMS < 0 {
			errs = append(errs, dsErr(line, r.ID, field+".latency_ms", ErrRange, "latency %v is negative or not finite", o.LatencyMS))
		} else if o.LatencyMS > MaxMagnitude {
			errs = append(errs, dsErr(line, r.ID, field+".latency_ms", ErrRange, "latency %v is above %g (MaxMagnitude)", o.LatencyMS, float64(MaxMagnitude)))
		}
		if o.OutputChars < 0 {
			errs = append(errs, dsErr(line, r.ID, field+".output_chars", ErrRange, "output_chars %d is negative", o.OutputChars))
		}
	}
	return errs
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
