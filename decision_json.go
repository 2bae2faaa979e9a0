package llmrouter

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/tmc/langchaingo/llms"
)

// The JSON form of a Decision, for logs, sinks and response caches. It is a
// set of mirror structs rather than tags on Decision so that the form stays
// stable while the Go types change: a new field of Decision (or of a type it
// holds) must be added here, or to jsonOmitted with a reason;
// TestDecisionJSONCoversEveryField fails until it is.
//
// Field names are snake_case; durations are milliseconds (float, suffix
// _ms), costs USD (suffix _usd), times RFC 3339 in UTC with nanoseconds.
// NaN and ±Inf are written as null and read back as NaN. Errors are written
// as their message (and code); see Decision.UnmarshalJSON.

// jsonOmitted lists the exported fields deliberately left out of the JSON
// form, "Type.Field" → why.
var jsonOmitted = map[string]string{
	"Features.NGrams": "not kept in a Decision (hashes of Text, which is recorded)",
}

type decisionJSON struct {
	ID         string          `json:"id"`
	Time       jsonTime        `json:"time"`
	Hints      hintsJSON       `json:"hints"`
	Features   featuresJSON    `json:"features"`
	Prediction predictionJSON  `json:"prediction"`
	Candidates []candidateJSON `json:"candidates"`
	Plan       []stepJSON      `json:"plan"`
	Model      string          `json:"model"`
	Propensity jsonNum         `json:"propensity,omitempty"`
	Attempts   []attemptJSON   `json:"attempts"`
	Answered   string          `json:"answered"`
	Usage      usageJSON       `json:"usage"`
	Cost       jsonNum         `json:"cost_usd"`
	CostCap    costCapJSON     `json:"cost_cap"`
	Latency    jsonMillis      `json:"latency_ms"`
	Err        *string         `json:"error"`
	ErrCode    llms.ErrorCode  `json:"error_code,omitempty"` // derived: ErrorCodeOf(Err)
}

type hintsJSON struct {
	User           string     `json:"user"`
	Tier           string     `json:"tier"`
	Tags           []string   `json:"tags"`
	MaxCost        jsonNum    `json:"max_cost_usd"`
	LatencyBudget  jsonMillis `json:"latency_budget_ms"`
	UncappedOutput bool       `json:"uncapped_output"`
	BufferStream   bool       `json:"buffer_stream,omitempty"`
}

type costCapJSON struct {
	Max      jsonNum `json:"max_usd"`
	Reserved jsonNum `json:"reserved_usd"`
	Spent    jsonNum `json:"spent_usd"`
}

type featuresJSON struct {
	Text         string  `json:"text"`
	Tokens       int     `json:"tokens"`
	SystemTokens int     `json:"system_tokens"`
	MaxTokens    int     `json:"max_tokens"`
	Messages     int     `json:"messages"`
	Turns        int     `json:"turns"`
	Chars        int     `json:"chars"`
	Words        int     `json:"words"`
	Lines        int     `json:"lines"`
	Questions    int     `json:"questions"`
	CodeFences   int     `json:"code_fences"`
	Code         jsonNum `json:"code"`
	Math         jsonNum `json:"math"`
	Reasoning    int     `json:"reasoning"`
	MultiStep    int     `json:"multi_step"`
	Script       Script  `json:"script"`
	NonASCII     jsonNum `json:"non_ascii"`
	Images       int     `json:"images"`
	BinaryParts  int     `json:"binary_parts"`
	Tools        int     `json:"tools"`
	ToolCalls    int     `json:"tool_calls"`
	JSONMode     bool    `json:"json_mode"`
}

type predictionJSON struct {
	Quality    []jsonNum `json:"quality"`
	Difficulty jsonNum   `json:"difficulty"`
	Label      string    `json:"label"`
	Confidence jsonNum   `json:"confidence"`
}

type candidateJSON struct {
	Model   string     `json:"model"`
	Index   int        `json:"index"`
	Quality jsonNum    `json:"quality"`
	Cost    jsonNum    `json:"cost_usd"`
	Latency jsonMillis `json:"latency_ms"`
	Removed string     `json:"removed"`
}

type stepJSON struct {
	Model  string `json:"model"`
	Index  int    `json:"index"`
	Reason string `json:"reason"`
}

type usageJSON struct {
	InputTokens       int  `json:"input_tokens"`
	OutputTokens      int  `json:"output_tokens"`
	CachedInputTokens int  `json:"cached_input_tokens,omitempty"`
	CacheWriteTokens  int  `json:"cache_write_tokens,omitempty"`
	Estimated         bool `json:"estimated"`
}

type attemptJSON struct {
	Model      string         `json:"model"`
	Reason     string         `json:"reason"`
	Start      jsonTime       `json:"start"`
	Latency    jsonMillis     `json:"latency_ms"`
	FirstToken jsonMillis     `json:"first_token_ms"`
	Usage      usageJSON      `json:"usage"`
	Cost       jsonNum        `json:"cost_usd"`
	Code       llms.ErrorCode `json:"code"`
	Err        *string        `json:"error"`
	Retry      int            `json:"retry"`
	Wait       jsonMillis     `json:"wait_ms"`
	Hedged     bool           `json:"hedged"`
	Skipped    string         `json:"skipped"`
	Rejected   string         `json:"rejected"`
	Next       string         `json:"next"`
	Reserved   jsonNum        `json:"reserved_usd"`
	MaxTokens  int            `json:"max_tokens"`
}

// MarshalJSON writes the decision's documented JSON form:
//
//	{"id", "time" (RFC 3339, UTC), "hints" {user, tier, tags, max_cost_usd,
//	 latency_budget_ms, uncapped_output}, "features" {text, tokens, …, script ("latin"), …},
//	 "prediction" {quality [per model], difficulty, label, confidence},
//	 "candidates" [{model, index, quality, cost_usd, latency_ms, removed}],
//	 "plan" [{model, index, reason}], "model", "propensity",
//	 "attempts" [{model, reason, start, latency_ms, first_token_ms, usage, cost_usd, code,
//	 error, retry, wait_ms, hedged, skipped, rejected, next, reserved_usd,
//	 max_tokens}],
//	 "answered", "usage" {input_tokens, output_tokens, estimated},
//	 "cost_usd", "cost_cap" {max_usd, reserved_usd, spent_usd}, "latency_ms",
//	 "error", "error_code"}
//
// Every field is always present (error_code only with an error;
// propensity only when the policy stated one, Decision.Propensity ≠ 0). Unknown
// numbers (NaN, ±Inf, as in a prediction without an opinion) are null;
// errors are their message, with their code beside them. Features.NGrams
// is not written. Hints.User is as the decision holds it, so redacted if
// the router was built WithUserRedaction. testdata/decision.golden.json
// shows a complete example. Safe to call concurrently with other reads.
func (d Decision) MarshalJSON() ([]byte, error) {
	j := decisionJSON{
		ID:         d.ID,
		Time:       jsonTime(d.Time),
		Hints:      hintsToJSON(d.Hints),
		Features:   featuresToJSON(&d.Features),
		Prediction: predictionJSON{Difficulty: jsonNum(d.Prediction.Difficulty), Label: d.Prediction.Label, Confidence: jsonNum(d.Prediction.Confidence)},
		Model:      d.Model,
		Propensity: jsonNum(d.Propensity),
		Answered:   d.Answered,
		Usage:      usageJSON(d.Usage),
		Cost:       jsonNum(d.Cost),
		CostCap:    costCapJSON{Max: jsonNum(d.CostCap.Max), Reserved: jsonNum(d.CostCap.Reserved), Spent: jsonNum(d.CostCap.Spent)},
		Latency:    jsonMillis(d.Latency),
		Err:        errMessage(d.Err),
		ErrCode:    ErrorCodeOf(d.Err),
	}
	if d.Prediction.Quality != nil {
		j.Prediction.Quality = make([]jsonNum, len(d.Prediction.Quality))
		for i, q := range d.Prediction.Quality {
			j.Prediction.Quality[i] = jsonNum(q)
		}
	}
	if d.Candidates != nil {
		j.Candidates = make([]candidateJSON, len(d.Candidates))
		for i, c := range d.Candidates {
			j.Candidates[i] = candidateJSON{Model: c.Model, Index: c.Index, Quality: jsonNum(c.Quality), Cost: jsonNum(c.Cost), Latency: jsonMillis(c.Latency), Removed: c.Removed}
		}
	}
	if d.Plan != nil {
		j.Plan = make([]stepJSON, len(d.Plan))
		for i, s := range d.Plan {
			j.Plan[i] = stepJSON(s)
		}
	}
	if d.Attempts != nil {
		j.Attempts = make([]attemptJSON, len(d.Attempts))
		for i, a := range d.Attempts {
			j.Attempts[i] = attemptJSON{
				Model: a.Model, Reason: a.Reason, Start: jsonTime(a.Start), Latency: jsonMillis(a.Latency), FirstToken: jsonMillis(a.FirstToken),
				Usage: usageJSON(a.Usage), Cost: jsonNum(a.Cost), Code: a.Code, Err: errMessage(a.Err),
				Retry: a.Retry, Wait: jsonMillis(a.Wait), Hedged: a.Hedged,
				Skipped: a.Skipped, Rejected: a.Rejected, Next: a.Next,
				Reserved: jsonNum(a.Reserved), MaxTokens: a.MaxTokens,
			}
		}
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads the form MarshalJSON writes, replacing all of *d.
// What JSON cannot carry comes back changed: null numbers come back NaN
// (so +Inf becomes NaN); times come back in UTC without a monotonic
// reading; errors come back as errors with the same message, matching
// (errors.Is) the llms sentinel of their code, e.g. llms.ErrRateLimit, but
// not the original error values or types. Marshalling the result gives the
// same JSON again.
func (d *Decision) UnmarshalJSON(data []byte) error {
	var j decisionJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	idBuf := d.idBuf // an ID string handed out earlier may point into it: keep its bytes
	*d = Decision{
		idBuf: idBuf,
		ID:    j.ID,
		Time:  time.Time(j.Time),
		Hints: Hints{User: j.Hints.User, Tier: j.Hints.Tier, Tags: j.Hints.Tags, MaxCost: float64(j.Hints.MaxCost),
			LatencyBudget: time.Duration(j.Hints.LatencyBudget), UncappedOutput: j.Hints.UncappedOutput,
			BufferStream: j.Hints.BufferStream},
		Features: featuresFromJSON(&j.Features),
		Prediction: Prediction{Difficulty: float64(j.Prediction.Difficulty), Label: j.Prediction.Label,
			Confidence: float64(j.Prediction.Confidence)},
		Model:    j.Model,
		Answered: j.Answered,
		Usage:    Usage(j.Usage),
		Cost:     float64(j.Cost),
		CostCap:  CostCap{Max: float64(j.CostCap.Max), Reserved: float64(j.CostCap.Reserved), Spent: float64(j.CostCap.Spent)},
		Latency:  time.Duration(j.Latency),
		Err:      recordedErr(j.Err, j.ErrCode),
	}
	d.Propensity = float64(j.Propensity)
	if j.Prediction.Quality != nil {
		d.Prediction.Quality = make([]float64, len(j.Prediction.Quality))
		for i, q := range j.Prediction.Quality {
			d.Prediction.Quality[i] = float64(q)
		}
	}
	if j.Candidates != nil {
		d.Candidates = make([]Candidate, len(j.Candidates))
		for i, c := range j.Candidates {
			d.Candidates[i] = Candidate{Model: c.Model, Index: c.Index, Quality: float64(c.Quality), Cost: float64(c.Cost), Latency: time.Duration(c.Latency), Removed: c.Removed}
		}
	}
	if j.Plan != nil {
		d.Plan = make([]Step, len(j.Plan))
		for i, s := range j.Plan {
			d.Plan[i] = Step(s)
		}
	}
	if j.Attempts != nil {
		d.Attempts = make([]Attempt, len(j.Attempts))
		for i, a := range j.Attempts {
			d.Attempts[i] = Attempt{
				Model: a.Model, Reason: a.Reason, Start: time.Time(a.Start), Latency: time.Duration(a.Latency), FirstToken: time.Duration(a.FirstToken),
				Usage: Usage(a.Usage), Cost: float64(a.Cost), Code: a.Code, Err: recordedErr(a.Err, a.Code),
				Retry: a.Retry, Wait: time.Duration(a.Wait), Hedged: a.Hedged,
				Skipped: a.Skipped, Rejected: a.Rejected, Next: a.Next,
				Reserved: float64(a.Reserved), MaxTokens: a.MaxTokens,
			}
		}
	}
	return nil
}

func hintsToJSON(h Hints) hintsJSON {
	return hintsJSON{User: h.User, Tier: h.Tier, Tags: h.Tags, MaxCost: jsonNum(h.MaxCost), LatencyBudget: jsonMillis(h.LatencyBudget),
		UncappedOutput: h.UncappedOutput, BufferStream: h.BufferStream}
}

func featuresToJSON(f *Features) featuresJSON {
	return featuresJSON{
		Text: f.Text, Tokens: f.Tokens, SystemTokens: f.SystemTokens, MaxTokens: f.MaxTokens,
		Messages: f.Messages, Turns: f.Turns, Chars: f.Chars, Words: f.Words, Lines: f.Lines,
		Questions: f.Questions, CodeFences: f.CodeFences, Code: jsonNum(f.Code), Math: jsonNum(f.Math),
		Reasoning: f.Reasoning, MultiStep: f.MultiStep, Script: f.Script, NonASCII: jsonNum(f.NonASCII),
		Images: f.Images, BinaryParts: f.BinaryParts, Tools: f.Tools, ToolCalls: f.ToolCalls, JSONMode: f.JSONMode,
	}
}

func featuresFromJSON(f *featuresJSON) Features {
	return Features{
		Text: f.Text, Tokens: f.Tokens, SystemTokens: f.SystemTokens, MaxTokens: f.MaxTokens,
		Messages: f.Messages, Turns: f.Turns, Chars: f.Chars, Words: f.Words, Lines: f.Lines,
		Questions: f.Questions, CodeFences: f.CodeFences, Code: float64(f.Code), Math: float64(f.Math),
		Reasoning: f.Reasoning, MultiStep: f.MultiStep, Script: f.Script, NonASCII: float64(f.NonASCII),
		Images: f.Images, BinaryParts: f.BinaryParts, Tools: f.Tools, ToolCalls: f.ToolCalls, JSONMode: f.JSONMode,
	}
}

func errMessage(err error) *string {
	if err == nil {
		return nil
	}
	s := err.Error()
	return &s
}

// recordedError is an error read back from a decision's JSON: its message,
// and its code so that errors.Is(err, llms.ErrRateLimit) still holds.
type recordedError struct {
	msg  string
	code llms.ErrorCode
}

func recordedErr(msg *string, code llms.ErrorCode) error {
	if msg == nil {
		return nil
	}
	return &recordedError{msg: *msg, code: code}
}

func (e *recordedError) Error() string { return e.msg }

func (e *recordedError) Is(target error) bool {
	return e.code != "" && (&llms.Error{Code: e.code}).Is(target)
}

// As gives errors.As(err, &*llms.Error) the recorded code, so ErrorCodeOf
// reads the code back rather than re-classifying the message.
func (e *recordedError) As(target any) bool {
	le, ok := target.(**llms.Error)
	if !ok || e.code == "" {
		return false
	}
	*le = &llms.Error{Code: e.code, Message: e.msg}
	return true
}

// jsonNum is a float64 written as null when NaN or ±Inf, read back as NaN.
type jsonNum float64

func (n jsonNum) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return appendJSONFloat(nil, f), nil
}

func (n *jsonNum) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = jsonNum(math.NaN())
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("llmrouter: decision JSON: number %s: %w", b, err)
	}
	*n = jsonNum(f)
	return nil
}

// appendJSONFloat formats f as encoding/json does: decimal, or exponent
// notation for very small and very large magnitudes.
func appendJSONFloat(b []byte, f float64) []byte {
	format := byte('f')
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' { // e-09 → e-9, as encoding/json
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

// jsonMillis is a duration written as float milliseconds.
type jsonMillis time.Duration

func (m jsonMillis) MarshalJSON() ([]byte, error) {
	return appendJSONFloat(nil, float64(m)/float64(time.Millisecond)), nil
}

func (m *jsonMillis) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*m = 0
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	ns := math.Round(f * float64(time.Millisecond))
	// 2^63 itself does not fit: converted, it would wrap to the most
	// negative duration.
	if err != nil || math.IsNaN(f) || ns >= 1<<63 || ns < -(1<<63) {
		return fmt.Errorf("llmrouter: decision JSON: %s is not a duration in milliseconds", b)
	}
	*m = jsonMillis(ns)
	return nil
}

// jsonTime is a time written as RFC 3339 in UTC with nanoseconds; null
// when zero.
type jsonTime time.Time

func (t jsonTime) MarshalJSON() ([]byte, error) {
	tt := time.Time(t)
	if tt.IsZero() {
		return []byte("null"), nil
	}
	b := make([]byte, 0, len(time.RFC3339Nano)+2)
	b = append(b, '"')
	b = tt.UTC().AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), nil
}

func (t *jsonTime) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*t = jsonTime{}
		return nil
	}
	var tt time.Time
	if err := tt.UnmarshalJSON(b); err != nil {
		return fmt.Errorf("llmrouter: decision JSON: time %s: %w", b, err)
	}
	// MarshalJSON writes UTC, which RFC 3339 can hold only for years
	// 0000-9999: an offset may carry a time just past either end.
	if y := tt.UTC().Year(); y < 0 || y > 9999 {
		return fmt.Errorf("llmrouter: decision JSON: time %s is in year %d in UTC, outside 0000-9999", b, y)
	}
	*t = jsonTime(tt.UTC())
	return nil
}

// MarshalText implements encoding.TextMarshaler: the script's name
// ("latin", "cjk", …).
func (s Script) MarshalText() ([]byte, error) {
	if int(s) >= len(scriptNames) {
		return nil, fmt.Errorf("llmrouter: unknown script %d", s)
	}
	return []byte(scriptNames[s]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler, reading the names
// MarshalText writes; an unknown name is an error.
func (s *Script) UnmarshalText(b []byte) error {
	for i, n := range scriptNames {
		if string(b) == n {
			*s = Script(i)
			return nil
		}
	}
	return fmt.Errorf("llmrouter: unknown script %q", b)
}

var capabilityNames = [...]struct {
	c    Capabilities
	name string
}{{Vision, "vision"}, {Tools, "tools"}, {JSONMode, "json"}, {Streaming, "streaming"},
	{Code, "code"}, {Math, "math"}, {Multilingual, "multilingual"}, {LongContext, "long-context"}}

// MarshalText implements encoding.TextMarshaler, so Capabilities read and
// write as text in JSON and other formats: the String form, "vision|tools",
// or "none" when empty. Bits with no name are an error.
func (c Capabilities) MarshalText() ([]byte, error) {
	known := Capabilities(0)
	for _, n := range capabilityNames {
		known |= n.c
	}
	if extra := c &^ known; extra != 0 {
		return nil, fmt.Errorf("llmrouter: unknown capability bits %#x", uint16(extra))
	}
	return []byte(c.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler: names joined by "|"
// (vision, tools, json, streaming, and the strengths code, math,
// multilingual, long-context; in any order, case-insensitive, spaces
// around names ignored), or "none" or "" for no capability. An unknown
// name is an error naming it.
func (c *Capabilities) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "" || strings.EqualFold(s, "none") {
		*c = 0
		return nil
	}
	var out Capabilities
	for w := range strings.SplitSeq(s, "|") {
		w = strings.TrimSpace(w)
		found := false
		for _, n := range capabilityNames {
			if strings.EqualFold(w, n.name) {
				out |= n.c
				found = true
				break
			}
		}
		if !found {
			return fmt.Errorf("llmrouter: unknown capability %q in %q (want vision, tools, json, streaming, code, math, multilingual or long-context joined by |, or none)", w, s)
		}
	}
	*c = out
	return nil
}
