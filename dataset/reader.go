package dataset

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"iter"
	"math"
	"reflect"
	"strings"
	"unicode/utf8"
)

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
// A Reader is not safe for concurrent use. Build it with NewReader: the
// zero value is not usable.
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
	if at := invalidUTF8(line); at >= 0 {
		// encoding/json would put U+FFFD in place of the bytes, changing
		// the text without a word.
		id := peekID(line)
		return Record{Line: lineNo, ID: id}, []*Error{dsErr(lineNo, id, "", ErrSyntax,
			"not UTF-8 at byte %d of the line (JSON text is UTF-8; convert the file)", at+1)}
	}
	if bytes.HasPrefix(bytes.TrimLeft(line, " \t"), []byte("\ufeff")) {
		return Record{Line: lineNo}, []*Error{dsErr(lineNo, "", "", ErrSyntax,
			"starts with a UTF-8 byte order mark (U+FEFF), which belongs only at the start of a file: were files joined, one saved with a mark? Remove it")}
	}
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
					errs = append(errs, typeError(lineNo, rec.ID, field, te))
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

// typeError reports a value of an outcome that its field cannot hold: a
// number float64 or int cannot (1e400; 1.5 or 1e20 for a count) is
// ErrRange, anything else (text for a number) ErrSyntax.
func typeError(lineNo int, id, field string, te *json.UnmarshalTypeError) *Error {
	num, isNum := strings.CutPrefix(te.Value, "number ")
	switch {
	case isNum && te.Type.Kind() == reflect.Float64:
		return dsErr(lineNo, id, field, ErrRange, "number %s is out of range", num)
	case isNum && te.Type.Kind() == reflect.Int:
		return dsErr(lineNo, id, field, ErrRange, "number %s: want a whole number within ±%d", num, math.MaxInt)
	}
	return dsErr(lineNo, id, field, ErrSyntax, "got JSON %s, want %s", te.Value, te.Type)
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

// invalidUTF8 returns the index of the first byte of b that does not start
// a valid UTF-8 sequence, or -1 when b is valid.
func invalidUTF8(b []byte) int {
	if utf8.Valid(b) {
		return -1
	}
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return -1
}
