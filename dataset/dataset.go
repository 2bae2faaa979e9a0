package dataset

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
)

// This file holds the outcomes dataset of DESIGN.md: one JSON object per
// line, each a prompt and the per-model outcomes observed for it.
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

// Sentinel errors wrapped by Error, so callers can test the kind of
// problem with errors.Is.
var (
	// ErrSyntax: the line is not a JSON object of the record's shape.
	ErrSyntax = errors.New("llmrouter: malformed dataset record")
	// ErrMissing: a required field is absent or empty.
	ErrMissing = errors.New("llmrouter: missing dataset field")
	// ErrRange: a number is outside its allowed range (or NaN).
	ErrRange = errors.New("llmrouter: dataset value out of range")
	// ErrDuplicate: an id appears twice, or a model twice in one record
	// (named twice, or two spellings after aliasing).
	ErrDuplicate = errors.New("llmrouter: duplicate in dataset")
	// ErrLineTooLong: a line is longer than the reader's limit (see
	// WithMaxLineBytes).
	ErrLineTooLong = errors.New("llmrouter: dataset line too long")
)

// Error is one problem with one record of an outcomes dataset. It
// names the line (1-based; 0 for a record built in memory), the record's id
// when known, and the field ("id", "prompt", "outcomes",
// "outcomes.<model>.score", ...; empty for a line that is not JSON at all).
// It unwraps to one of the ErrDataset* sentinels.
type Error struct {
	Line  int
	ID    string
	Field string
	Err   error
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d", e.Line)
	} else {
		b.WriteString("record")
	}
	if e.ID != "" {
		fmt.Fprintf(&b, " (id %q)", e.ID)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ": field %s", e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Errors collects the problems found in a dataset: the first few in
// full, and how many more were left out.
type Errors struct {
	Errs    []*Error
	Omitted int
}

func (e *Errors) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "llmrouter: %d problem(s) in dataset", len(e.Errs)+e.Omitted)
	for _, err := range e.Errs {
		b.WriteString("\n  ")
		b.WriteString(err.Error())
	}
	if e.Omitted > 0 {
		fmt.Fprintf(&b, "\n  ... and %d more", e.Omitted)
	}
	return b.String()
}

// Unwrap returns the collected errors, so errors.As finds a *Error
// and errors.Is a sentinel.
func (e *Errors) Unwrap() []error {
	out := make([]error, len(e.Errs))
	for i, err := range e.Errs {
		out[i] = err
	}
	return out
}

// dsErr wraps a sentinel with a detail message.
func dsErr(line int, id, field string, kind error, format string, args ...any) *Error {
	return &Error{Line: line, ID: id, Field: field, Err: fmt.Errorf("%w: %s", kind, fmt.Sprintf(format, args...))}
}

// Option configures NewReader, Read and Load.
type Option func(*readConfig)

type readConfig struct {
	aliases    map[string]string
	maxErrors  int
	maxLine    int
	noOutcomes bool // records without outcomes pass (WithoutOutcomes)
}

// DefaultMaxErrors is how many problems Read reports in full
// before it only counts them.
const DefaultMaxErrors = 20

// WithAliases renames models while reading: a model named by a key of
// aliases (alias → canonical name) is stored under its canonical name, so
// data sets that spell one model differently can be joined. A record that
// holds two spellings of one model is reported as a duplicate.
// The map is read, never modified; it is copied.
func WithAliases(aliases map[string]string) Option {
	return func(c *readConfig) {
		c.aliases = make(map[string]string, len(aliases))
		for k, v := range aliases {
			c.aliases[k] = v
		}
	}
}

// DefaultMaxLineBytes is the longest line a dataset reader accepts by
// default: 32 MiB, room for a prompt of millions of words.
const DefaultMaxLineBytes = 32 << 20

// WithMaxLineBytes sets the longest line (its line ending not counted) the
// reader accepts: DefaultMaxLineBytes when n ≤ 0. A longer line is
// reported as a *Error wrapping ErrLineTooLong as soon as it
// passes the limit — at most about n bytes of it are held in memory — and
// reading goes on at the next line.
func WithMaxLineBytes(n int) Option {
	return func(c *readConfig) { c.maxLine = n }
}

// WithoutOutcomes accepts records with no outcomes, for reading prompts
// to predict on; every other check holds, and outcomes that are present
// are checked as usual.
func WithoutOutcomes() Option {
	return func(c *readConfig) { c.noOutcomes = true }
}

// WithMaxErrors sets how many problems Read reports in full
// (DefaultMaxErrors when n ≤ 0); the rest are counted.
func WithMaxErrors(n int) Option {
	return func(c *readConfig) { c.maxErrors = n }
}

func newReadConfig(opts []Option) readConfig {
	c := readConfig{maxErrors: DefaultMaxErrors}
	for _, o := range opts {
		o(&c)
	}
	if c.maxErrors <= 0 {
		c.maxErrors = DefaultMaxErrors
	}
	if c.maxLine <= 0 {
		c.maxLine = DefaultMaxLineBytes
	}
	return c
}

// Reader reads an outcomes dataset one record at a time. Lines up
// to DefaultMaxLineBytes (32 MiB; see WithMaxLineBytes) are read, so a
// multi-megabyte prompt is fine and a huge line in a crafted or broken
// file is an error, not unbounded memory; blank lines are skipped, lines
// may end in "\n" or "\r\n", and a UTF-8 byte-order mark opening the input
// is skipped. Each record is checked as Record.Validate does; duplicate
// ids are detected by Read, not by the reader.
//
// A Reader is not safe for concurrent use.
type Reader struct {
	br   *bufio.Reader
	cfg  readConfig
	line int
	buf  []byte
	skip bool  // the last line was too long: skip its rest
	err  error // sticky read error (not record errors)
}

// NewReader returns a reader of the JSONL outcomes dataset in r.
func NewReader(r io.Reader, opts ...Option) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 1<<16), cfg: newReadConfig(opts)}
}

// Line returns the number of the last line read (1-based).
func (d *Reader) Line() int { return d.line }

// errLineTooLong: readLine stopped at the limit; the line is counted and
// its rest skipped on the next call.
var errLineTooLong = errors.New("line too long")

// readLine returns the next line without its line ending, reusing d.buf.
// It holds at most the limit plus one buffer of a line in memory.
func (d *Reader) readLine() ([]byte, error) {
	for d.skip { // the rest of a line that was too long
		_, err := d.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			continue
		}
		d.skip = false
		if err != nil {
			return nil, err
		}
	}
	d.buf = d.buf[:0]
	for {
		chunk, err := d.br.ReadSlice('\n')
		// Two bytes of slack for the line ending; the trimmed line is
		// checked below.
		if len(d.buf)+len(chunk) > d.cfg.maxLine+2 {
			d.line++
			d.skip = err == bufio.ErrBufferFull
			return nil, errLineTooLong
		}
		d.grow(len(chunk))
		d.buf = append(d.buf, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF && len(d.buf) > 0 {
			err = nil
		}
		if err != nil {
			return nil, err
		}
		d.line++
		line := bytes.TrimRight(d.buf, "\r\n")
		if d.line == 1 { // a UTF-8 byte-order mark starts no record
			line = bytes.TrimPrefix(line, []byte("\ufeff"))
		}
		if len(line) > d.cfg.maxLine {
			return nil, errLineTooLong
		}
		return line, nil
	}
}

// grow makes room for n more bytes in d.buf, doubling but never past the
// limit, so a line near the limit costs about twice the limit at most.
func (d *Reader) grow(n int) {
	need := len(d.buf) + n
	if need <= cap(d.buf) {
		return
	}
	c := max(2*cap(d.buf), need, 4096)
	if c >= d.cfg.maxLine {
		c = max(need, d.cfg.maxLine+2)
	}
	buf := make([]byte, len(d.buf), c)
	copy(buf, d.buf)
	d.buf = buf
}

// Next returns the next record. At the end of the input it returns io.EOF.
// A record that is malformed or invalid yields a *Error (or a
// *Errors when it has several problems) naming the line and field;
// the reader can go on to the next line after it. An error from the
// underlying reader is returned as is and is sticky.
func (d *Reader) Next() (Record, error) {
	if d.err != nil {
		return Record{}, d.err
	}
	for {
		line, err := d.readLine()
		if err == errLineTooLong {
			return Record{}, dsErr(d.line, "", "", ErrLineTooLong, "longer than %d bytes (see WithMaxLineBytes)", d.cfg.maxLine)
		}
		if err != nil {
			d.err = err
			return Record{}, err
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		rec, errs := decodeRecord(line, d.line, d.cfg.aliases, d.cfg.noOutcomes)
		switch len(errs) {
		case 0:
			return rec, nil
		case 1:
			return rec, errs[0]
		default:
			return rec, &Errors{Errs: errs}
		}
	}
}

// All returns an iterator over the records and their errors, ending at the
// end of the input (io.EOF is not yielded) or at a read error (yielded).
func (d *Reader) All() iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		for {
			rec, err := d.Next()
			if err == io.EOF {
				return
			}
			if !yield(rec, err) {
				return
			}
			if err != nil && d.err != nil {
				return
			}
		}
	}
}

// rawOutcome detects absent fields.
type rawOutcome struct {
	Score       *float64 `json:"score"`
	Cost        *float64 `json:"cost"`
	LatencyMS   *float64 `json:"latency_ms"`
	Answer      string   `json:"answer"`
	OutputChars int      `json:"output_chars"`
}

type rawRecord struct {
	ID       *string                    `json:"id"`
	Task     string                     `json:"task"`
	Prompt   string                     `json:"prompt"`
	Turns    []string                   `json:"turns"`
	Messages json.RawMessage            `json:"messages"`
	Outcomes map[string]json.RawMessage `json:"outcomes"`
}

// decodeRecord parses and validates one line.
func decodeRecord(line []byte, lineNo int, aliases map[string]string, noOutcomes bool) (Record, []*Error) {
	var raw rawRecord
	if err := json.Unmarshal(line, &raw); err != nil {
		id := peekID(line)
		var te *json.UnmarshalTypeError
		var se *json.SyntaxError
		switch {
		case errors.As(err, &te) && te.Field == "":
			return Record{Line: lineNo, ID: id}, []*Error{dsErr(lineNo, id, "", ErrSyntax,
				"line is a JSON %s, want an object", te.Value)}
		case errors.As(err, &te):
			return Record{Line: lineNo, ID: id}, []*Error{dsErr(lineNo, id, te.Field, ErrSyntax,
				"got JSON %s, want %s", te.Value, te.Type)}
		case errors.As(err, &se):
			return Record{Line: lineNo, ID: id}, []*Error{dsErr(lineNo, id, "", ErrSyntax,
				"%v (at byte %d)", se, se.Offset)}
		default:
			return Record{Line: lineNo, ID: id}, []*Error{dsErr(lineNo, id, "", ErrSyntax, "%v", err)}
		}
	}
	rec := Record{Task: raw.Task, Prompt: raw.Prompt, Turns: raw.Turns, Messages: raw.Messages, Line: lineNo}
	if strings.TrimSpace(rec.Prompt) == "" && len(rec.Turns) > 0 {
		rec.Prompt = rec.Turns[0] // a multi-turn record's prompt is its first turn
	}
	if raw.ID != nil {
		rec.ID = *raw.ID
	}
	if path, dup := repeatedKey(line); dup && len(path) == 2 && path[0] == "outcomes" {
		return rec, []*Error{dsErr(lineNo, rec.ID, fieldPath(path), ErrDuplicate,
			"model %q appears twice in the record's outcomes", path[1])}
	} else if dup {
		return rec, []*Error{dsErr(lineNo, rec.ID, fieldPath(path), ErrDuplicate,
			"key %q appears twice in one object; JSON readers would keep one silently", path[len(path)-1])}
	}
	if k, first, bad := checkKeys(line, recordKeys, false); bad {
		return rec, []*Error{dsErr(lineNo, rec.ID, k, ErrDuplicate,
			"key %q is a second spelling of %q; JSON readers would keep one silently", k, first)}
	}
	var errs []*Error
	if raw.Outcomes != nil {
		rec.Outcomes = make(map[string]Outcome, len(raw.Outcomes))
		// Visit models in sorted order so errors come out deterministically.
		for _, name := range sortedKeys(raw.Outcomes) {
			canon := name
			if a, ok := aliases[name]; ok {
				canon = a
			}
			field := "outcomes." + name
			var ro *rawOutcome
			if err := json.Unmarshal(raw.Outcomes[name], &ro); err != nil {
				var te *json.UnmarshalTypeError
				if errors.As(err, &te) {
					if te.Field != "" {
						field += "." + te.Field
					}
					errs = append(errs, dsErr(lineNo, rec.ID, field, ErrSyntax, "got JSON %s, want %s", te.Value, te.Type))
				} else {
					errs = append(errs, dsErr(lineNo, rec.ID, field, ErrSyntax, "%v", err))
				}
				continue
			}
			if ro == nil {
				errs = append(errs, dsErr(lineNo, rec.ID, field, ErrMissing, "outcome is null"))
				continue
			}
			if k, first, bad := checkKeys(raw.Outcomes[name], outcomeKeys, true); bad && first == "" {
				errs = append(errs, dsErr(lineNo, rec.ID, field+"."+k, ErrSyntax,
					"unknown key %q in an outcome (known: score, cost, latency_ms, answer, output_chars)", k))
				continue
			} else if bad {
				errs = append(errs, dsErr(lineNo, rec.ID, field+"."+k, ErrDuplicate,
					"key %q is a second spelling of %q; JSON readers would keep one silently", k, first))
				continue
			}
			if ro.Score == nil {
				errs = append(errs, dsErr(lineNo, rec.ID, field+".score", ErrMissing, "no score"))
				continue
			}
			if _, dup := rec.Outcomes[canon]; dup {
				errs = append(errs, dsErr(lineNo, rec.ID, field, ErrDuplicate,
					"model %q is a second spelling of %q after aliasing", name, canon))
				continue
			}
			o := Outcome{Score: *ro.Score, Cost: ro.Cost, Answer: ro.Answer, OutputChars: ro.OutputChars}
			if ro.LatencyMS != nil {
				o.LatencyMS = *ro.LatencyMS
			}
			rec.Outcomes[canon] = o
		}
	}
	for _, e := range validateRecord(&rec, lineNo) {
		// Outcomes that were present but all invalid are already reported.
		if e.Field == "outcomes" && len(raw.Outcomes) > 0 && len(rec.Outcomes) == 0 {
			continue
		}
		if noOutcomes && e.Field == "outcomes" && len(raw.Outcomes) == 0 {
			continue
		}
		errs = append(errs, e)
	}
	return rec, errs
}

// peekID recovers the id of a malformed line, when it can, for the error message.
func peekID(line []byte) string {
	var v struct {
		ID string `json:"id"`
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	if dec.Decode(&v) == nil {
		return v.ID
	}
	return ""
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

// Dataset is an outcomes dataset held in memory.
//
// Its methods only read it, so a Dataset is safe for concurrent use as long
// as nobody modifies Records at the same time. Methods that return a
// Dataset return a new one sharing the Record values (maps included).
type Dataset struct {
	Records []Record
}

// Read reads and validates a whole JSONL outcomes dataset: every
// record as Record.Validate does, plus unique ids. It collects up to
// WithMaxErrors problems (default DefaultMaxErrors) and counts the
// rest, returning them as a *Errors. On such an error the returned
// Dataset still holds the records that passed, so a caller may choose to go
// on with them; on a read error from r it is nil. Repeated prompts are legal
// (see Dataset.DuplicatePrompts).
func Read(r io.Reader, opts ...Option) (*Dataset, error) {
	ds := &Dataset{}
	for rec, err := range ReadSeq(r, opts...) {
		var agg *Errors
		switch {
		case errors.As(err, &agg):
			return ds, err
		case err != nil:
			return nil, err
		}
		ds.Records = append(ds.Records, rec)
	}
	return ds, nil
}

// ReadSeq is Read as a stream, for data too large to hold
// (train.LinearSeq): it yields each record that passes as it is read, then,
// if any did not, one *Errors with the problems Read would
// return, or a read error from r, and stops. It remembers every id (to
// reject duplicates) but no other part of a record. Range over it once.
func ReadSeq(r io.Reader, opts ...Option) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		dr := NewReader(r, opts...)
		agg := &Errors{}
		add := func(e *Error) {
			if len(agg.Errs) < dr.cfg.maxErrors {
				agg.Errs = append(agg.Errs, e)
			} else {
				agg.Omitted++
			}
		}
		seen := make(map[string]int) // id → line
		for {
			rec, err := dr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				var one *Error
				var many *Errors
				switch {
				case errors.As(err, &many):
					for _, e := range many.Errs {
						add(e)
					}
				case errors.As(err, &one):
					add(one)
				default:
					yield(Record{}, fmt.Errorf("llmrouter: reading dataset after line %d: %w", dr.line, err))
					return
				}
				continue
			}
			if first, dup := seen[rec.ID]; dup {
				add(dsErr(rec.Line, rec.ID, "id", ErrDuplicate, "duplicate id %q (first on line %d, again on line %d)", rec.ID, first, rec.Line))
				continue
			}
			seen[rec.ID] = rec.Line
			if !yield(rec, nil) {
				return
			}
		}
		if len(agg.Errs) > 0 {
			yield(Record{}, agg)
		}
	}
}

// Load reads the JSONL outcomes dataset in the file at path, as
// Read does; a directory at path is an error naming it.
func Load(path string, opts ...Option) (*Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s: a directory, not an outcomes file", path)
	}
	ds, err := Read(f, opts...)
	if err != nil {
		return ds, fmt.Errorf("%s: %w", path, err)
	}
	return ds, nil
}

// Writer writes records as JSONL: one object per line, fields in the
// order of DESIGN.md, map keys sorted, no HTML escaping. Call Flush when
// done. A Writer is not safe for concurrent use.
type Writer struct {
	bw  *bufio.Writer
	enc *json.Encoder
}

// NewWriter returns a writer of JSONL records to w.
func NewWriter(w io.Writer) *Writer {
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	return &Writer{bw: bw, enc: enc}
}

// Write validates rec and writes it as one line. An invalid record is not
// written; the error says why.
func (w *Writer) Write(rec Record) error {
	if err := rec.Validate(); err != nil {
		return err
	}
	return w.enc.Encode(rec) // Encode appends the newline.
}

// Flush writes any buffered data to the underlying writer.
func (w *Writer) Flush() error { return w.bw.Flush() }

// Write writes records to w as JSONL (see Writer), stopping
// at the first invalid record. It does not check that ids are unique.
func Write(w io.Writer, records []Record) error {
	dw := NewWriter(w)
	for i := range records {
		if err := dw.Write(records[i]); err != nil {
			return fmt.Errorf("llmrouter: writing record %d: %w", i, err)
		}
	}
	return dw.Flush()
}

// Len returns the number of records.
func (d *Dataset) Len() int { return len(d.Records) }

// Validate checks every record and that ids are unique, as Read
// does, reporting up to DefaultMaxErrors problems. Line numbers are
// the records' Line fields (0 for records built in memory).
func (d *Dataset) Validate() error {
	agg := &Errors{}
	add := func(e *Error) {
		if len(agg.Errs) < DefaultMaxErrors {
			agg.Errs = append(agg.Errs, e)
		} else {
			agg.Omitted++
		}
	}
	seen := make(map[string]int)
	for i := range d.Records {
		r := &d.Records[i]
		for _, e := range validateRecord(r, r.Line) {
			add(e)
		}
		if first, dup := seen[r.ID]; dup && r.ID != "" {
			add(dsErr(r.Line, r.ID, "id", ErrDuplicate, "duplicate id %q (records %d and %d, lines %d and %d)",
				r.ID, first, i, d.Records[first].Line, r.Line))
			continue
		}
		seen[r.ID] = i
	}
	if len(agg.Errs) > 0 {
		return agg
	}
	return nil
}

// Models returns the names of every model with an outcome in the dataset, sorted.
func (d *Dataset) Models() []string {
	set := make(map[string]struct{})
	for i := range d.Records {
		for m := range d.Records[i].Outcomes {
			set[m] = struct{}{}
		}
	}
	return sortedKeys(set)
}

// ModelStat summarises one model's outcomes in a dataset.
type ModelStat struct {
	Model string
	// Rows is the number of records with an outcome of this model.
	Rows int
	// MeanScore is the mean score over those rows.
	MeanScore float64
	// CostRows is the number of those rows with a known cost, MeanCost the
	// mean cost over them (0 when CostRows is 0).
	CostRows int
	MeanCost float64
	// LatencyRows counts rows with a latency (> 0); MeanLatencyMS is their mean.
	LatencyRows   int
	MeanLatencyMS float64
}

// ModelStats returns, for every model (sorted by name), its row count and
// mean score, cost and latency.
func (d *Dataset) ModelStats() []ModelStat {
	acc := make(map[string]*ModelStat)
	for i := range d.Records {
		for m, o := range d.Records[i].Outcomes {
			s := acc[m]
			if s == nil {
				s = &ModelStat{Model: m}
				acc[m] = s
			}
			s.Rows++
			s.MeanScore += o.Score
			if c, ok := o.CostValue(); ok {
				s.CostRows++
				s.MeanCost += c
			}
			if o.LatencyMS > 0 {
				s.LatencyRows++
				s.MeanLatencyMS += o.LatencyMS
			}
		}
	}
	out := make([]ModelStat, 0, len(acc))
	for _, m := range sortedKeys(acc) {
		s := *acc[m]
		s.MeanScore /= float64(s.Rows)
		if s.CostRows > 0 {
			s.MeanCost /= float64(s.CostRows)
		}
		if s.LatencyRows > 0 {
			s.MeanLatencyMS /= float64(s.LatencyRows)
		}
		out = append(out, s)
	}
	return out
}

// MeanScore returns model's mean score and the number of rows it is over
// (0 and 0 when the model has no outcome).
func (d *Dataset) MeanScore(model string) (mean float64, rows int) {
	for i := range d.Records {
		if o, ok := d.Records[i].Outcomes[model]; ok {
			mean += o.Score
			rows++
		}
	}
	if rows > 0 {
		mean /= float64(rows)
	}
	return mean, rows
}

// MeanCost returns model's mean cost over the rows with a known cost, and
// how many rows that is (0 and 0 when none).
func (d *Dataset) MeanCost(model string) (mean float64, rows int) {
	for i := range d.Records {
		if c, ok := d.Records[i].Outcomes[model].CostValue(); ok {
			mean += c
			rows++
		}
	}
	if rows > 0 {
		mean /= float64(rows)
	}
	return mean, rows
}

// Tasks returns the tasks of the dataset with their record counts, keyed by
// task ("" for records without one).
func (d *Dataset) Tasks() map[string]int {
	out := make(map[string]int)
	for i := range d.Records {
		out[d.Records[i].Task]++
	}
	return out
}

// Filter returns the records for which keep returns true.
func (d *Dataset) Filter(keep func(*Record) bool) *Dataset {
	out := &Dataset{}
	for i := range d.Records {
		if keep(&d.Records[i]) {
			out.Records = append(out.Records, d.Records[i])
		}
	}
	return out
}

// FilterTasks returns the records whose task is one of tasks, or lies under
// one of them: "mmlu" matches "mmlu" and "mmlu/anatomy".
func (d *Dataset) FilterTasks(tasks ...string) *Dataset {
	return d.Filter(func(r *Record) bool {
		for _, t := range tasks {
			if r.Task == t || strings.HasPrefix(r.Task, t+"/") {
				return true
			}
		}
		return false
	})
}

// WithModels returns the records that have an outcome for every one of models.
func (d *Dataset) WithModels(models ...string) *Dataset {
	return d.Filter(func(r *Record) bool {
		for _, m := range models {
			if _, ok := r.Outcomes[m]; !ok {
				return false
			}
		}
		return true
	})
}

// DuplicatePrompt is a prompt string that occurs in more than one record.
type DuplicatePrompt struct {
	Prompt string
	IDs    []string // in dataset order
	Lines  []int    // the records' Line fields, in the same order
}

// DuplicatePrompts reports the prompts that occur more than once (exact
// string match), in order of first occurrence. Repeated prompts are legal —
// MMLU has some — but evaluation must keep them in one fold.
func (d *Dataset) DuplicatePrompts() []DuplicatePrompt {
	idx := make(map[string]int)
	var groups []DuplicatePrompt
	for i := range d.Records {
		r := &d.Records[i]
		g, ok := idx[r.Prompt]
		if !ok {
			idx[r.Prompt] = len(groups)
			groups = append(groups, DuplicatePrompt{Prompt: r.Prompt})
			g = len(groups) - 1
		}
		groups[g].IDs = append(groups[g].IDs, r.ID)
		groups[g].Lines = append(groups[g].Lines, r.Line)
	}
	var out []DuplicatePrompt
	for _, g := range groups {
		if len(g.IDs) > 1 {
			out = append(out, g)
		}
	}
	return out
}

// Split divides the dataset into a training and a test part, about
// testFraction (in (0,1)) of the records going to test. Records with the
// same prompt string stay together; which prompts go where is decided by a
// shuffle seeded with seed, so a split is reproducible. Records keep their
// relative order in each part.
func (d *Dataset) Split(testFraction float64, seed uint64) (train, test *Dataset, err error) {
	if !(testFraction > 0 && testFraction < 1) {
		return nil, nil, fmt.Errorf("llmrouter: test fraction %v outside (0,1)", testFraction)
	}
	groupOf := make(map[string]int)
	var sizes []int
	for i := range d.Records {
		p := d.Records[i].Prompt
		if _, ok := groupOf[p]; !ok {
			groupOf[p] = len(sizes)
			sizes = append(sizes, 0)
		}
		sizes[groupOf[p]]++
	}
	order := make([]int, len(sizes))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	inTest := make([]bool, len(sizes))
	want := int(math.Round(testFraction * float64(len(d.Records))))
	got := 0
	for _, g := range order {
		if got >= want {
			break
		}
		inTest[g] = true
		got += sizes[g]
	}
	train, test = &Dataset{}, &Dataset{}
	for i := range d.Records {
		if inTest[groupOf[d.Records[i].Prompt]] {
			test.Records = append(test.Records, d.Records[i])
		} else {
			train.Records = append(train.Records, d.Records[i])
		}
	}
	return train, test, nil
}

// GroupByPrompt groups row indexes by identical prompt string: the groups
// in order of first appearance, each group's rows ascending. Splits for
// training and evaluation keep each group on one side, so that a prompt
// repeated under several ids is never both trained on and tested.
func GroupByPrompt(prompts []string) [][]int {
	groupOf := make(map[string]int)
	var groups [][]int
	for i, p := range prompts {
		g, ok := groupOf[p]
		if !ok {
			g = len(groups)
			groupOf[p] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	return groups
}
