package decisionlog

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/llmrouter/llmrouter/dataset"
)

// ExportStats tally an export: what the log held and why rows were left
// out. Rows + NoPrompt + NoAnswer + EmptyAnswer + Unanswered =
// WithFeedback.
type ExportStats struct {
	// Decisions in the log; Feedback entries; WithFeedback, decisions that
	// have feedback.
	Decisions, Feedback, WithFeedback int
	// Rows written.
	Rows int
	// NoPrompt: skipped because the prompt text was not logged
	// (Options.PromptText off or hashed) or the request had none.
	NoPrompt int
	// NoAnswer (ExportVerifier only): skipped because the answer text was
	// not logged in full (Options.AnswerText, Log.RecordAnswer).
	NoAnswer int
	// EmptyAnswer (ExportVerifier only): skipped because the logged answer
	// is empty, which an outcomes file cannot tell from an unknown one.
	EmptyAnswer int
	// Unanswered: skipped because no model answered the decision.
	Unanswered int
	// Orphans: feedback whose decision is not in the log (not yet
	// written, dropped, or logged elsewhere).
	Orphans int
	// Scan is the reader's tally, torn lines included.
	Scan ScanStats
}

// String summarises the export in one line, naming each reason rows were
// skipped.
func (s ExportStats) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "exported %d row(s) from %d decision(s) with feedback (of %d decisions, %d feedback entries)",
		s.Rows, s.WithFeedback, s.Decisions, s.Feedback)
	for _, r := range []struct {
		n    int
		what string
	}{
		{s.NoPrompt, "skipped: prompt text not logged (Options.PromptText is not TextFull)"},
		{s.NoAnswer, "skipped: answer text not logged (Options.AnswerText is not TextFull, or RecordAnswer not called)"},
		{s.EmptyAnswer, "skipped: empty answer"},
		{s.Unanswered, "skipped: no model answered"},
		{s.Orphans, "feedback without its decision in the log"},
		{s.Scan.Torn, "torn last line(s) skipped"},
	} {
		if r.n > 0 {
			fmt.Fprintf(&b, "; %d %s", r.n, r.what)
		}
	}
	return b.String()
}

// joined is a decision with feedback, with what the exports need of it.
type joined struct {
	id, task, prompt   string
	promptFull         bool
	answered           string
	cost               float64
	hasCost            bool
	latency            time.Duration
	answer             string
	answerFull, hasAns bool
	fb                 *Entry
	file               string // where the decision was logged
	line               int
}

// join reads dir twice: first the feedback (later feedback on a decision
// replacing earlier, by Logged time, then log order), then the decisions
// and answers that have feedback. Memory grows with the decisions that
// have feedback, not with the log.
func join(dir string) ([]*joined, ExportStats, error) {
	var st ExportStats
	fb := make(map[string]*Entry)
	_, err := Scan(dir, func(e *Entry) error {
		if e.Kind == KindFeedback {
			st.Feedback++
			if old, ok := fb[e.ID]; !ok || !e.Logged.Before(old.Logged) {
				fb[e.ID] = e
			}
		}
		return nil
	})
	if err != nil {
		return nil, st, err
	}
	var rows []*joined
	byID := make(map[string]*joined, len(fb))
	answers := make(map[string]*Entry)
	st.Scan, err = Scan(dir, func(e *Entry) error {
		switch e.Kind {
		case KindDecision:
			st.Decisions++
			f, ok := fb[e.ID]
			if !ok || byID[e.ID] != nil {
				return nil
			}
			d := e.Decision
			j := &joined{id: d.ID, task: d.Prediction.Label, prompt: d.Features.Text, promptFull: e.PromptText == TextFull,
				answered: d.Answered, fb: f, file: e.File, line: e.Line}
			for _, a := range d.Attempts {
				if a.Model == d.Answered && a.Err == nil && a.Skipped == "" {
					j.cost, j.hasCost, j.latency = a.Cost, true, a.Latency
				}
			}
			byID[e.ID] = j
			rows = append(rows, j)
		case KindAnswer:
			if _, ok := fb[e.ID]; ok {
				answers[e.ID] = e
			}
		}
		return nil
	})
	if err != nil {
		return nil, st, err
	}
	st.WithFeedback = len(rows)
	st.Orphans = len(fb) - len(rows)
	for _, j := range rows {
		if a, ok := answers[j.id]; ok && a.Model == j.answered {
			j.answer, j.answerFull, j.hasAns = a.Answer, a.AnswerText == TextFull, true
		}
	}
	return rows, st, nil
}

// ExportOutcomes writes the decisions of the log in dir that have feedback
// as an outcomes dataset (dataset.Write: the JSONL `llmrouter train` and
// train.Linear read), in log order: per decision one record, ID the
// decision's, Task its predicted label, Prompt its prompt, and one outcome —
// the answering model's, with the feedback's score and that model's cost
// and latency. Decisions whose prompt was not logged in full, or that no
// model answered, are skipped and counted in the stats; say so to the user
// (ExportStats.String does). The feedback's note is not exported (Scan
// reads it). A decision whose answering attempt's cost or latency no
// outcomes file holds (negative, not finite, above dataset.MaxMagnitude:
// a corrupted or edited log) stops the export with an error naming its
// file and line. Any process may export while others write.
func ExportOutcomes(dir string, w io.Writer) (ExportStats, error) {
	return export(dir, w, false)
}

// ExportVerifier is ExportOutcomes for training an answer verifier
// (`llmrouter train-verifier`, verify.Examples): it exports only the
// decisions whose answer text was logged in full (Options.AnswerText
// TextFull and Log.RecordAnswer) and non-empty, and the record's one
// outcome carries that answer too:
//
//	{"id":"d1","task":"math","prompt":"What is 2+2?","outcomes":{"cheap":{"score":1,"cost":0.00002,"latency_ms":200,"answer":"4"}}}
//
// Each record has the answering model's outcome alone (the log keeps the
// answer that was returned, not those of earlier attempts), so it trains
// train-verifier's target weak-fails, the weak model's own grade; target
// gain needs the strong model's outcome on the same prompt. The others are
// skipped and counted in the stats: NoAnswer, EmptyAnswer (an empty answer
// reads as unknown in an outcomes file).
func ExportVerifier(dir string, w io.Writer) (ExportStats, error) {
	return export(dir, w, true)
}

// export writes the records of ExportOutcomes, with the answers and only
// the decisions that have one when withAnswer.
func export(dir string, w io.Writer, withAnswer bool) (ExportStats, error) {
	rows, st, err := join(dir)
	if err != nil {
		return st, err
	}
	dw := dataset.NewWriter(w)
	for _, j := range rows {
		if !j.skip(&st, withAnswer) {
			continue
		}
		o := dataset.Outcome{Score: j.fb.Score, LatencyMS: float64(j.latency) / float64(time.Millisecond)}
		if j.hasCost {
			o = o.WithCost(j.cost)
		}
		if withAnswer {
			o.Answer = j.answer
		}
		if err := dw.Write(dataset.Record{ID: j.id, Task: j.task, Prompt: j.prompt, Outcomes: map[string]dataset.Outcome{j.answered: o}}); err != nil {
			// A value no outcomes file holds (a negative or non-finite
			// cost): the log was corrupted or edited.
			return st, fmt.Errorf("decisionlog: %s:%d: %w", j.file, j.line, err)
		}
		st.Rows++
	}
	if err := dw.Flush(); err != nil {
		return st, fmt.Errorf("decisionlog: %w", err)
	}
	return st, nil
}

// skip counts why j cannot be exported; it reports whether j can be.
func (j *joined) skip(st *ExportStats, needAnswer bool) bool {
	switch {
	case j.answered == "":
		st.Unanswered++
	case !j.promptFull || j.prompt == "":
		st.NoPrompt++
	case needAnswer && !(j.hasAns && j.answerFull):
		st.NoAnswer++
	case needAnswer && j.answer == "":
		st.EmptyAnswer++
	default:
		return true
	}
	return false
}
