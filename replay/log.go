package replay

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/llmrouter/llmrouter/decisionlog"
)

// Logged is one logged decision with feedback, as Estimate reads it.
type Logged struct {
	// ID is the decision's id; Prompt its prompt text, when logged in full
	// (PromptFull).
	ID         string
	Prompt     string
	PromptFull bool
	// Model is the model the logging policy chose (the Decision's Model),
	// the action whose outcome the feedback tells.
	Model string
	// Propensity is the probability with which the logging policy chose
	// Model, in (0,1]; 1 when the decision records none (HasPropensity
	// false), as a deterministic policy's.
	Propensity    float64
	HasPropensity bool
	// Score is the feedback's score in [0,1]; Cost the decision's USD cost.
	Score float64
	Cost  float64
	// Predicted and EstCost are, per model, the logged predicted quality
	// and estimated cost (the decision's candidates): the doubly robust
	// estimator's reward model reads them. Either may be nil.
	Predicted map[string]float64
	EstCost   map[string]float64
}

// LogStats tally ReadLog.
type LogStats struct {
	// Decisions in the log, Feedback entries, and Joined: decisions with
	// feedback, returned.
	Decisions, Feedback, Joined int
	// NoPropensity: joined decisions without a propensity (taken as 1).
	NoPropensity int
	// DuplicateDecisions: decision lines whose id an earlier line of the
	// log holds; the first is used, the later ones are counted here.
	DuplicateDecisions int
	// UnmatchedFeedback: ids with feedback but no decision in the log (a
	// decision in a rotated-away file, or another router's log), left out.
	UnmatchedFeedback int
	// Scan is the reader's tally (torn lines skipped, with messages).
	Scan decisionlog.ScanStats
}

// ReadLog returns the decisions of the log in dir that have feedback, in
// log order, each with its latest feedback (by Logged time). A decision's
// propensity is read from its JSON form ("propensity"), so logs written
// before the Decision had one read as deterministic. A propensity outside
// (0,1], or a value Estimate refuses (a cost negative or not finite, a
// predicted quality infinite), is an error naming the file and line. A decision id logged twice
// keeps its first line, and feedback for an id no decision holds is left
// out; LogStats counts both. Memory grows with the decisions in the log
// (their ids) and those that have feedback.
func ReadLog(dir string) ([]Logged, LogStats, error) {
	var st LogStats
	fb := map[string]*decisionlog.Entry{}
	if _, err := decisionlog.Scan(dir, func(e *decisionlog.Entry) error {
		if e.Kind == decisionlog.KindFeedback {
			st.Feedback++
			if old, ok := fb[e.ID]; !ok || !e.Logged.Before(old.Logged) {
				fb[e.ID] = e
			}
		}
		return nil
	}); err != nil {
		return nil, st, err
	}
	var out []Logged
	seen := map[string]bool{}
	var err error
	st.Scan, err = decisionlog.Scan(dir, func(e *decisionlog.Entry) error {
		if e.Kind != decisionlog.KindDecision {
			return nil
		}
		st.Decisions++
		if seen[e.ID] {
			st.DuplicateDecisions++
			return nil
		}
		seen[e.ID] = true
		f, ok := fb[e.ID]
		if !ok {
			return nil
		}
		var extra struct {
			Propensity *float64 `json:"propensity"`
		}
		if err := json.Unmarshal(e.DecisionJSON, &extra); err != nil {
			return fmt.Errorf("replay: %s:%d: propensity: %w", e.File, e.Line, err)
		}
		d := e.Decision
		l := Logged{ID: d.ID, Prompt: d.Features.Text, PromptFull: e.PromptText == decisionlog.TextFull,
			Model: d.Model, Propensity: 1, Score: f.Score, Cost: d.Cost,
			Predicted: make(map[string]float64, len(d.Candidates)), EstCost: make(map[string]float64, len(d.Candidates))}
		if p := extra.Propensity; p != nil {
			if !(*p > 0 && *p <= 1) {
				return fmt.Errorf("replay: %s:%d: decision %s: propensity %v outside (0,1]", e.File, e.Line, d.ID, *p)
			}
			l.Propensity, l.HasPropensity = *p, true
		} else {
			st.NoPropensity++
		}
		for _, c := range d.Candidates {
			if !math.IsNaN(c.Quality) {
				l.Predicted[c.Model] = c.Quality
			}
			l.EstCost[c.Model] = c.Cost
		}
		if err := checkLogged(l); err != nil { // a corrupted or edited log
			return fmt.Errorf("replay: %s:%d: %w", e.File, e.Line, err)
		}
		out = append(out, l)
		return nil
	})
	st.Joined = len(out)
	for id := range fb {
		if !seen[id] {
			st.UnmatchedFeedback++
		}
	}
	return out, st, err
}
