package dataset

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// Writer writes records as JSONL: one object per line, fields in the
// order of Record's declaration, map keys sorted, no HTML escaping. Call
// Flush when done. A Writer is not safe for concurrent use. Build it with
// NewWriter: the zero value is not usable.
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
