package llmrouter

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/llmrouter/llmrouter/dataset"
)

// Sink receives every decision after its call, failed calls included.
// A request refused while routing — bad input, a classifier's or a
// policy's Apply error, a NoCandidateError (every model removed; a spent
// budget.Budget among the reasons) — makes no decision and reaches no
// sink: count those where GenerateContent returns the error. (A refusal
// by a StartCall hook comes after routing: its decision, Err set, does.)
// Record is called synchronously on the request path, so it must be fast
// (hand slow work to a goroutine or a buffer) and safe for concurrent use.
// It must not modify the decision.
//
// A Sink that also has a method
//
//	RecordContext(ctx context.Context, d *Decision)
//
// is called through it instead of Record, with the caller's context of
// GenerateContent (to parent telemetry spans on the caller's, for
// example); that context may already be cancelled or past its deadline.
type Sink interface {
	Record(d *Decision)
}

// SinkFunc adapts a function to the Sink interface.
type SinkFunc func(d *Decision)

// Record calls fn(d).
func (fn SinkFunc) Record(d *Decision) { fn(d) }

// DefaultFeedbackCapacity is how many decisions a FeedbackLog keeps when
// NewFeedbackLog is given no capacity.
const DefaultFeedbackCapacity = 10000

// FeedbackLog closes the loop from decisions to training data. As a Sink it
// keeps the most recent decisions (up to its capacity, oldest evicted
// first); Feedback attaches an outcome score to a decision by its ID —
// from a user's thumbs up or down, a test, or a judge — and Records and
// Export turn the decisions with feedback into an outcomes dataset that
// train.Linear (or `llmrouter train`) learns from, so the router learns the
// user's own traffic. Safe for concurrent use. The zero value is an empty
// log of DefaultFeedbackCapacity decisions, as NewFeedbackLog(0) returns.
type FeedbackLog struct {
	mu       sync.Mutex
	capacity int
	order    []string // decision ids, oldest first
	entries  map[string]*feedbackEntry
}

type feedbackEntry struct {
	d      *Decision
	scores map[string]float64 // model → score in [0,1]
}

var _ Sink = (*FeedbackLog)(nil)

// NewFeedbackLog returns a log keeping up to capacity decisions
// (DefaultFeedbackCapacity when capacity ≤ 0).
func NewFeedbackLog(capacity int) *FeedbackLog {
	if capacity <= 0 {
		capacity = DefaultFeedbackCapacity
	}
	return &FeedbackLog{capacity: capacity, entries: make(map[string]*feedbackEntry)}
}

// capacityOrDefault is the log's capacity, DefaultFeedbackCapacity for the
// zero value.
func (l *FeedbackLog) capacityOrDefault() int {
	if l.capacity <= 0 {
		return DefaultFeedbackCapacity
	}
	return l.capacity
}

// Record implements Sink: it keeps d, evicting the oldest decision when the
// log is full. A decision with an ID already held replaces it.
func (l *FeedbackLog) Record(d *Decision) {
	if d == nil || d.ID == "" {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if e, ok := l.entries[d.ID]; ok {
		e.d = d
		return
	}
	if l.entries == nil { // the zero value
		l.entries = make(map[string]*feedbackEntry)
	}
	if len(l.order) >= l.capacityOrDefault() {
		delete(l.entries, l.order[0])
		l.order = l.order[1:]
	}
	l.order = append(l.order, d.ID)
	l.entries[d.ID] = &feedbackEntry{d: d}
}

// Feedback records score (in [0,1]: 1 = acceptable) for the answer of the
// model that answered decision id. It fails with ErrUnknownDecision for an
// id the log does not hold, and with an error naming the problem for a
// score outside [0,1] or a decision no model answered.
func (l *FeedbackLog) Feedback(id string, score float64) error {
	l.mu.Lock()
	var answered string
	e, ok := l.entries[id]
	if ok {
		answered = e.d.Answered
	}
	l.mu.Unlock()
	if !ok {
		return fmt.Errorf("%w %q", ErrUnknownDecision, id)
	}
	if answered == "" {
		return fmt.Errorf("llmrouter: feedback for decision %q: no model answered it", id)
	}
	return l.FeedbackFor(id, answered, score)
}

// FeedbackFor records score for model's answer to decision id's request —
// for instance a judge that also ran another model on it. Later feedback
// for the same model replaces earlier.
func (l *FeedbackLog) FeedbackFor(id, model string, score float64) error {
	if !(score >= 0 && score <= 1) {
		return fmt.Errorf("llmrouter: feedback for decision %q: score %v is outside [0,1]", id, score)
	}
	if model == "" {
		return fmt.Errorf("llmrouter: feedback for decision %q: no model named", id)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.entries[id]
	if !ok {
		return fmt.Errorf("%w %q", ErrUnknownDecision, id)
	}
	if e.scores == nil {
		e.scores = make(map[string]float64)
	}
	e.scores[model] = score
	return nil
}

// Len reports how many decisions the log holds.
func (l *FeedbackLog) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.order)
}

// Records returns the decisions that have feedback, oldest first, as
// outcome records (requests without text, such as a lone image, are left
// out: an outcome record needs a prompt): ID the decision's, Task its predicted label, Prompt the
// last human message the request was routed by, and per scored model its
// score with the cost and latency of that model's successful attempt, when
// the decision holds one.
func (l *FeedbackLog) Records() []dataset.Record {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []dataset.Record
	for _, id := range l.order {
		e := l.entries[id]
		if len(e.scores) == 0 || e.d.Features.Text == "" {
			continue
		}
		r := dataset.Record{ID: id, Task: e.d.Prediction.Label, Prompt: e.d.Features.Text, Outcomes: make(map[string]dataset.Outcome, len(e.scores))}
		for model, score := range e.scores {
			o := dataset.Outcome{Score: score}
			for _, a := range e.d.Attempts {
				if a.Model == model && a.Err == nil && a.Skipped == "" {
					o = o.WithCost(a.Cost)
					o.LatencyMS = float64(a.Latency) / float64(time.Millisecond)
				}
			}
			r.Outcomes[model] = o
		}
		out = append(out, r)
	}
	return out
}

// Export writes Records as outcomes JSONL (see dataset.Write).
func (l *FeedbackLog) Export(w io.Writer) error {
	return dataset.Write(w, l.Records())
}
