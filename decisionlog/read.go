package decisionlog

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"
	"unicode/utf8"

	"github.com/llmrouter/llmrouter"
)

// Kind is the kind of a log entry.
type Kind string

// The kinds of entries a log holds.
const (
	KindDecision Kind = "decision"
	KindAnswer   Kind = "answer"
	KindFeedback Kind = "feedback"
)

// Entry is one line of a log, as Scan reads it.
type Entry struct {
	Kind Kind
	// File is the base name of the file the entry was read from; Line its
	// 1-based line.
	File string
	Line int
	// ID is the decision's id, for every kind.
	ID string
	// Decision and PromptText, for KindDecision: the decision as read back
	// (see llmrouter.Decision.UnmarshalJSON), and how its Features.Text was
	// logged.
	Decision   *llmrouter.Decision
	PromptText TextMode
	// DecisionJSON, for KindDecision, is the decision's JSON form as
	// logged, for fields this version's Decision does not have (a newer
	// writer's, such as "propensity"). It is the caller's to keep.
	DecisionJSON json.RawMessage
	// Logged is when an answer or feedback was logged.
	Logged time.Time
	// Model, Answer and AnswerText, for KindAnswer: the model that answered,
	// the answer as logged, and how it was logged.
	Model      string
	Answer     string
	AnswerText TextMode
	// Score and Note, for KindFeedback.
	Score float64
	Note  string
}

// ScanStats tally a Scan.
type ScanStats struct {
	// Files and Entries read; Torn counts torn last lines skipped, and
	// Unknown entries of a kind this version does not know, skipped.
	Files, Entries, Torn, Unknown int
	// Messages says what was skipped and where, one message per skip.
	Messages []string
}

type rawLine struct {
	V          int             `json:"v"`
	Kind       Kind            `json:"kind"`
	PromptText string          `json:"prompt_text"`
	Decision   json.RawMessage `json:"decision"`
	Logged     time.Time       `json:"logged"`
	ID         string          `json:"id"`
	Model      string          `json:"model"`
	AnswerText string          `json:"answer_text"`
	Answer     string          `json:"answer"`
	Score      *float64        `json:"score"`
	Note       string          `json:"note"`
}

// Files returns the log files in dir (its *.jsonl files) in the order
// Scan reads them: by name, so by creation time.
func Files(dir string) ([]string, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil {
		return nil, fmt.Errorf("decisionlog: %w", err)
	}
	if fi, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("decisionlog: %w", err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("decisionlog: %s is not a directory (give the log's directory)", dir)
	}
	sort.Strings(names)
	return names, nil
}

// Scan reads every file of the log in dir, in order, and calls fn with
// each entry; an error from fn stops it and is returned. A file's last line
// that ends without a newline and is not a whole record — a writer stopped
// mid-record, or one still writing — is skipped and reported in the stats'
// Messages, not as an error; every line before it is read. Any other line
// that is not a valid record (or not UTF-8, which Log never writes) is an
// error naming the file and line. Lines
// are read up to MaxLineBytes, so memory stays bounded. Scan may run while
// processes write to dir; it reads what was written when it reaches each file.
func Scan(dir string, fn func(*Entry) error) (ScanStats, error) {
	var st ScanStats
	files, err := Files(dir)
	if err != nil {
		return st, err
	}
	for _, name := range files {
		if err := scanFile(name, &st, fn); err != nil {
			return st, err
		}
		st.Files++
	}
	return st, nil
}

func scanFile(name string, st *ScanStats, fn func(*Entry) error) error {
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("decisionlog: %w", err)
	}
	defer f.Close()
	base := filepath.Base(name)
	r := bufio.NewReaderSize(f, 64<<10)
	var buf []byte
	for n := 1; ; n++ {
		line, complete, err := readLine(r, buf[:0])
		buf = line
		if err != nil {
			return fmt.Errorf("decisionlog: %s:%d: %w", base, n, err)
		}
		if len(line) == 0 {
			if !complete {
				return nil // end of file
			}
			continue
		}
		e, perr := parseLine(line)
		if perr != nil && !complete {
			st.Torn++
			st.Messages = append(st.Messages, fmt.Sprintf("%s:%d: torn last line (%d bytes, no newline) skipped: its writer stopped mid-record", base, n, len(line)))
			return nil
		}
		if perr != nil {
			return fmt.Errorf("decisionlog: %s:%d: %w", base, n, perr)
		}
		if e == nil {
			st.Unknown++
			st.Messages = append(st.Messages, fmt.Sprintf("%s:%d: entry of unknown kind skipped", base, n))
		} else {
			e.File, e.Line = base, n
			st.Entries++
			if err := fn(e); err != nil {
				return err
			}
		}
		if !complete {
			return nil
		}
	}
}

var errLineTooLong = fmt.Errorf("line longer than MaxLineBytes (%d)", MaxLineBytes)

// readLine appends the next line, without its newline, to buf; complete is
// false when the file ended before a newline.
func readLine(r *bufio.Reader, buf []byte) (line []byte, complete bool, err error) {
	for {
		chunk, err := r.ReadSlice('\n')
		if len(buf)+len(chunk) > MaxLineBytes+1 {
			return buf, false, errLineTooLong
		}
		buf = append(buf, chunk...)
		switch {
		case err == nil:
			return buf[:len(buf)-1], true, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			return buf, false, nil
		default:
			return buf, false, err
		}
	}
}

// parseLine decodes one line; a nil entry without error is an unknown kind.
func parseLine(line []byte) (*Entry, error) {
	if !utf8.Valid(line) { // Log writes none; encoding/json would read U+FFFD
		i := 0
		for r, n := utf8.DecodeRune(line); r != utf8.RuneError || n > 1; r, n = utf8.DecodeRune(line[i:]) {
			i += n
		}
		return nil, fmt.Errorf("not UTF-8 at byte %d (the log is corrupt)", i+1)
	}
	var raw rawLine
	if err := json.Unmarshal(line, &raw); err != nil {
		return nil, fmt.Errorf("not a log record: %w", err)
	}
	if raw.V != 1 {
		return nil, fmt.Errorf("record version %d, want 1 (written by another version of decisionlog?)", raw.V)
	}
	e := &Entry{Kind: raw.Kind, ID: raw.ID, Logged: raw.Logged, Model: raw.Model, Answer: raw.Answer, Note: raw.Note}
	switch raw.Kind {
	case KindDecision:
		mode, err := parseTextMode(raw.PromptText)
		if err != nil {
			return nil, fmt.Errorf("prompt_text: %w", err)
		}
		if len(raw.Decision) == 0 {
			return nil, errors.New("decision record without a decision")
		}
		d := new(llmrouter.Decision)
		if err := d.UnmarshalJSON(raw.Decision); err != nil {
			return nil, fmt.Errorf("decision: %w", err)
		}
		e.Decision, e.PromptText, e.ID, e.DecisionJSON = d, mode, d.ID, raw.Decision
	case KindAnswer:
		mode, err := parseTextMode(raw.AnswerText)
		if err != nil {
			return nil, fmt.Errorf("answer_text: %w", err)
		}
		e.AnswerText = mode
	case KindFeedback:
		if raw.Score == nil || !(*raw.Score >= 0 && *raw.Score <= 1) {
			return nil, errors.New("feedback without a score in [0,1]")
		}
		e.Score = *raw.Score
	default:
		return nil, nil
	}
	if e.ID == "" {
		return nil, fmt.Errorf("%s record without a decision id", raw.Kind)
	}
	return e, nil
}
