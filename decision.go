package llmrouter

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/tmc/langchaingo/llms"
)

// Keys the router adds to the GenerationInfo of every choice it returns.
const (
	// InfoDecision holds the *Decision of the call (see DecisionFrom).
	InfoDecision = "llmrouter.decision"
	// InfoDecisionID holds the decision's ID (string).
	InfoDecisionID = "llmrouter.decision_id"
	// InfoModel holds the name of the model that answered (string).
	InfoModel = "llmrouter.model"
	// InfoCostUSD holds the call's cost in USD over every attempt (float64).
	InfoCostUSD = "llmrouter.cost_usd"
)

// Decision records one routing decision: what the router saw, predicted and
// planned, and — after a call — every attempt and its outcome. A Decision
// is written by one request and must not be modified after the router hands
// it out; reading it from several goroutines is safe. It marshals to a
// stable JSON form (see MarshalJSON).
type Decision struct {
	// ID identifies the decision, for logs and feedback.
	ID string
	// Time is when the decision was made, by the router's clock.
	Time time.Time
	// Hints are the request's hints.
	Hints Hints
	// Features are the analyzer's features; NGrams is not kept.
	Features Features
	// Prediction is the classifier's output, with Quality in model order.
	Prediction Prediction
	// Candidates lists every model, its predicted quality and estimated
	// cost, and why it was removed, if it was.
	Candidates []Candidate
	// Plan is the ordered list of models to try.
	Plan []Step
	// Model is the chosen model: the first step of the plan.
	Model string
	// Propensity is the probability with which a randomised policy chose
	// Model (Routing.Propensity); 0 when the policy did not state one, as
	// a deterministic policy does not (its choice has probability 1).
	Propensity float64

	// Attempts lists every model call made, in order (empty for Route).
	Attempts []Attempt
	// Answered is the model whose answer was returned; empty if none.
	Answered string
	// Usage sums the token usage of every attempt.
	Usage Usage
	// Cost is the USD cost of every attempt together.
	Cost float64
	// CostCap shows how Hints.MaxCost held; zero without a cap.
	CostCap CostCap
	// Latency is the time from the decision to the end of the call. For an
	// answer returned as it came (no verifier, no stream, no hedging), the
	// call ends where its attempt did: Attempt.Start + Attempt.Latency.
	Latency time.Duration
	// Err is the error the call returned, if any.
	Err error

	// The router allocates a Decision together with the storage of its
	// slices (newDecision).
	idBuf [idBufLen]byte // backs ID when the router formats it
}

// idBufLen holds the router's IDs: "d", a base-36 uint32 and "-" are at
// most 9 bytes, leaving 7 for the sequence number in base 36 (up to
// 36^7-1, about 7.8e10 decisions of one router; a longer ID allocates).
const idBufLen = 16

// setID formats prefix and seq (base 36) into d's inline storage and
// points d.ID at it, so the ID costs no allocation of its own. The bytes
// are never written again, so the string stays immutable.
func (d *Decision) setID(prefix string, seq uint64) {
	var tmp [40]byte
	b := strconv.AppendUint(append(tmp[:0], prefix...), seq, 36)
	if len(b) > len(d.idBuf) {
		d.ID = string(b)
		return
	}
	n := copy(d.idBuf[:], b)
	d.ID = unsafe.String(&d.idBuf[0], n)
}

// Attempt is one model call made while executing a plan.
type Attempt struct {
	Model string
	// Reason is why this model was tried (the plan step's reason).
	Reason  string
	Start   time.Time
	Latency time.Duration
	// FirstToken is the time from Start to the first streamed chunk of
	// text; 0 when the call did not stream or streamed nothing.
	FirstToken time.Duration
	// Usage is the token usage; Usage.Estimated when the response did not
	// report it. A failed attempt counts only usage its response reported,
	// none estimated, as providers do not bill failed calls. Cost is
	// computed from Usage and the model's card.
	Usage Usage
	Cost  float64
	// Reserved is the cost reserved for this attempt under Hints.MaxCost
	// before it started; MaxTokens the output-token limit the router set
	// on it to stay within the cap (0: none set by the router).
	Reserved  float64
	MaxTokens int
	// Code classifies Err; empty on success.
	Code llms.ErrorCode
	Err  error

	// Retry counts the retries of this model before this attempt (0 for
	// its first call); Wait is the backoff waited before it.
	Retry int
	Wait  time.Duration
	// Hedged is true when the attempt was started as a hedge, while an
	// earlier one was still running.
	Hedged bool
	// Skipped, when set, says why the model was not called at all (cooling
	// down, a context window too small, not stronger than a rejected answer,
	// over the request's cost limit); the other fields are then zero except
	// Model, Reason and Start.
	Skipped string
	// Rejected, when set, says why the Verifier rejected this attempt's
	// answer (which led to an escalation, if one was possible).
	Rejected string
	// Next says what plan execution did after this attempt: "retry in
	// 120ms", "next model", "stop", "escalate", "lost the hedge", ….
	Next string
}

// DecisionFrom returns the decision the router attached to a response of
// Router.GenerateContent, if any (false for nil, a response of another
// source, or one whose GenerationInfo lost it). The decision is the one the
// router handed its sinks, not a copy: read it, never modify it; reading it
// from several goroutines is safe.
func DecisionFrom(resp *llms.ContentResponse) (*Decision, bool) {
	if resp == nil {
		return nil, false
	}
	for _, c := range resp.Choices {
		if c == nil {
			continue
		}
		if d, ok := c.GenerationInfo[InfoDecision].(*Decision); ok {
			return d, true
		}
	}
	return nil, false
}

// Explain renders the decision for people: the signals, the prediction,
// every candidate with its predicted quality, cost and any reason for
// removal, the plan, and the attempts if a call was made. The user is
// shown as the decision records it: redacted under WithUserRedaction.
// A nil decision (DecisionFrom of a failed call) explains as "no decision".
// The text ends with a newline.
func (d *Decision) Explain() string {
	if d == nil { // DecisionFrom of a failed call's nil response
		return "no decision (the call failed before routing, or the response is not the router's)\n"
	}
	var b strings.Builder
	f := &d.Features
	fmt.Fprintf(&b, "decision %s at %s\n", d.ID, d.Time.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "  request:    %d message(s), %d human turn(s), ~%d tokens (system %d), %d words in the last turn",
		f.Messages, f.Turns, f.Tokens, f.SystemTokens, f.Words)
	if f.MaxTokens > 0 {
		fmt.Fprintf(&b, ", max %d output tokens", f.MaxTokens)
	}
	b.WriteByte('\n')
	fmt.Fprintf(&b, "  signals:    code %.2f, math %.2f, reasoning %d, multi-step %d, questions %d, script %s",
		f.Code, f.Math, f.Reasoning, f.MultiStep, f.Questions, f.Script)
	if f.Images > 0 {
		fmt.Fprintf(&b, ", images %d", f.Images)
	}
	if f.BinaryParts > 0 {
		fmt.Fprintf(&b, ", binary parts %d", f.BinaryParts)
	}
	if f.Tools > 0 || f.ToolCalls > 0 {
		fmt.Fprintf(&b, ", tools %d, tool calls %d", f.Tools, f.ToolCalls)
	}
	if f.JSONMode {
		b.WriteString(", JSON mode")
	}
	b.WriteByte('\n')
	b.WriteString("  prediction:")
	if d.Prediction.Label != "" {
		fmt.Fprintf(&b, " label %q,", d.Prediction.Label)
	}
	if !math.IsNaN(d.Prediction.Difficulty) {
		fmt.Fprintf(&b, " difficulty %.2f,", d.Prediction.Difficulty)
	}
	fmt.Fprintf(&b, " confidence %.2f\n", d.Prediction.Confidence)
	if h := d.Hints; h.User != "" || h.Tier != "" || h.MaxCost > 0 || h.LatencyBudget > 0 || len(h.Tags) > 0 {
		var set []string // the hints set, only
		if h.User != "" {
			set = append(set, fmt.Sprintf("user %q", h.User))
		}
		if h.Tier != "" {
			set = append(set, fmt.Sprintf("tier %q", h.Tier))
		}
		if h.MaxCost > 0 {
			set = append(set, fmt.Sprintf("max cost $%.6f", h.MaxCost))
		}
		if h.LatencyBudget > 0 {
			set = append(set, "latency budget "+h.LatencyBudget.String())
		}
		if len(h.Tags) > 0 {
			set = append(set, "tags "+strings.Join(h.Tags, ","))
		}
		fmt.Fprintf(&b, "  hints:      %s\n", strings.Join(set, ", "))
	}
	width := 0
	for _, c := range d.Candidates {
		width = max(width, len(c.Model))
	}
	b.WriteString("  candidates:\n")
	for _, c := range d.Candidates {
		fmt.Fprintf(&b, "    %-*s  quality %s  est. cost $%.6f", width, c.Model, fmtQuality(c.Quality), c.Cost)
		if c.Removed != "" {
			fmt.Fprintf(&b, "  removed: %s", c.Removed)
		}
		b.WriteByte('\n')
	}
	b.WriteString("  plan:\n")
	for i, s := range d.Plan {
		fmt.Fprintf(&b, "    %d. %-*s  %s\n", i+1, width, s.Model, s.Reason)
	}
	fmt.Fprintf(&b, "  chosen:     %s\n", d.Model)
	if len(d.Attempts) > 0 {
		b.WriteString("  attempts:\n")
		for i, a := range d.Attempts {
			if a.Skipped != "" {
				fmt.Fprintf(&b, "    %d. %-*s  skipped: %s\n", i+1, width, a.Model, a.Skipped)
				continue
			}
			est := ""
			if a.Usage.Estimated {
				est = " (estimated)"
			}
			fmt.Fprintf(&b, "    %d. %-*s  %s  tokens %d in / %d out%s  $%.6f", i+1, width, a.Model,
				a.Latency.Round(time.Microsecond), a.Usage.InputTokens, a.Usage.OutputTokens, est, a.Cost)
			if a.MaxTokens > 0 {
				fmt.Fprintf(&b, " (output limited to %d for the cost cap)", a.MaxTokens)
			}
			switch {
			case a.Err != nil:
				fmt.Fprintf(&b, "  failed [%s]: %s", a.Code, attemptErrText(a.Model, a.Err))
			case a.Rejected != "":
				fmt.Fprintf(&b, "  rejected: %s", a.Rejected)
			default:
				b.WriteString("  ok")
			}
			if a.Hedged {
				b.WriteString("  (hedge)")
			}
			if a.Next != "" {
				fmt.Fprintf(&b, "  → %s", a.Next)
			}
			b.WriteByte('\n')
		}
		if d.Answered != "" {
			fmt.Fprintf(&b, "  answered:   %s, total $%.6f in %s\n", d.Answered, d.Cost, d.Latency.Round(time.Microsecond))
		} else if d.Err != nil {
			fmt.Fprintf(&b, "  failed:     %v\n", d.Err)
		}
		if c := d.CostCap; c.Max > 0 {
			fmt.Fprintf(&b, "  cost cap:   max $%.6f, reserved at most $%.6f, spent $%.6f\n", c.Max, c.Reserved, c.Spent)
		}
	}
	return b.String()
}

func fmtQuality(q float64) string {
	if math.IsNaN(q) {
		return " n/a"
	}
	return fmt.Sprintf("%.2f", q)
}
