package decisionlog

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// MaxLineBytes is the longest line the log writes and the reader accepts:
// a record that would be longer is dropped (and counted) rather than
// written.
const MaxLineBytes = 32 << 20

// fileTimeLayout names files so that their names sort in time order.
const fileTimeLayout = "20060102T150405.000000000Z"

// writer holds the log's current file; only the loop goroutine uses it.
type writer struct {
	l        *Log
	f        *os.File
	buf      *bufio.Writer
	size     int64 // bytes in the file, buffered ones included
	seq      int
	stamp    time.Time // of the last file opened: names never go back
	pending  int       // records in buf
	unsynced int       // records written since the last fsync
	line     []byte
}

type answerLine struct {
	V          int       `json:"v"`
	Kind       Kind      `json:"kind"`
	Logged     time.Time `json:"logged"`
	ID         string    `json:"id"`
	Model      string    `json:"model"`
	AnswerText string    `json:"answer_text"`
	Answer     string    `json:"answer"`
}

type feedbackLine struct {
	V      int       `json:"v"`
	Kind   Kind      `json:"kind"`
	Logged time.Time `json:"logged"`
	ID     string    `json:"id"`
	Score  float64   `json:"score"`
	Note   string    `json:"note"`
}

// encode renders it as one line, newline included.
func (w *writer) encode(it item) ([]byte, error) {
	o := &w.l.opts
	line := w.line[:0]
	switch it.kind {
	case KindDecision:
		d := *it.d // a shallow copy: the caller's decision is never modified
		d.Features.Text = o.text(o.PromptText, d.Features.Text)
		if o.HashUsers {
			d.Hints.User = keyedHash(o.HashKey, "uh_", d.Hints.User)
		}
		raw, err := d.MarshalJSON()
		if err != nil {
			return nil, fmt.Errorf("decisionlog: decision %q: %w", d.ID, err)
		}
		line = append(line, `{"v":1,"kind":"decision","prompt_text":"`...)
		line = append(line, o.PromptText.String()...)
		line = append(line, `","decision":`...)
		line = append(line, raw...)
		line = append(line, '}')
	case KindAnswer:
		raw, err := json.Marshal(answerLine{V: 1, Kind: KindAnswer, Logged: w.l.clock.Now().UTC(), ID: it.id, Model: it.model,
			AnswerText: o.AnswerText.String(), Answer: o.text(o.AnswerText, it.text)})
		if err != nil {
			return nil, err
		}
		line = append(line, raw...)
	case KindFeedback:
		raw, err := json.Marshal(feedbackLine{V: 1, Kind: KindFeedback, Logged: it.logged.UTC(), ID: it.id, Score: it.score, Note: it.note})
		if err != nil {
			return nil, err
		}
		line = append(line, raw...)
	}
	line = scrub(line)
	w.line = line[:0]
	return append(line, '\n'), nil
}

// add encodes it into the buffer, rotating or opening a file as needed.
func (w *writer) add(it item) error {
	l := w.l
	line, err := w.encode(it)
	if err == nil && len(line) > MaxLineBytes {
		err = fmt.Errorf("decisionlog: record for decision %q is %d bytes, over MaxLineBytes", it.recordID(), len(line))
	}
	if err != nil {
		l.dropped.Add(1)
		l.setErr(err)
		return err
	}
	if w.f != nil && w.size > 0 && w.size+int64(len(line)) > l.opts.MaxFileBytes {
		w.close()
	}
	if w.f == nil {
		if err := w.open(); err != nil {
			l.failed.Add(1)
			l.setErr(err)
			return err
		}
	}
	if _, err := w.buf.Write(line); err != nil {
		w.pending++
		w.fail(err)
		return err
	}
	w.size += int64(len(line))
	w.pending++
	return nil
}

func (it item) recordID() string {
	if it.d != nil {
		return it.d.ID
	}
	return it.id
}

// open creates a new file, never reusing a name.
func (w *writer) open() error {
	l := w.l
	now := l.clock.Now().UTC()
	if now.Before(w.stamp) { // the wall clock was set back: keep the order
		now = w.stamp
	}
	w.stamp = now
	stamp := now.Format(fileTimeLayout)
	for range 1000 {
		w.seq++
		name := filepath.Join(l.dir, fmt.Sprintf("%s-%d-%06d.jsonl", stamp, l.pid, w.seq))
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL|os.O_APPEND, 0o600)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("decisionlog: %w", err)
		}
		syncDir(l.dir) // the new name survives a machine crash too
		w.f, w.size = f, 0
		var out io.Writer = f
		if l.opts.wrapFile != nil {
			out = l.opts.wrapFile(f)
		}
		if w.buf == nil {
			w.buf = bufio.NewWriterSize(out, l.opts.bufSize)
		} else {
			w.buf.Reset(out)
		}
		l.files.Add(1)
		return nil
	}
	return fmt.Errorf("decisionlog: no free file name in %s for %s", l.dir, stamp)
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // best effort: not every platform syncs directories
		d.Close()
	}
}

// flush hands the buffered records to the operating system.
func (w *writer) flush() error {
	if w.f == nil || w.pending == 0 {
		return nil
	}
	if err := w.buf.Flush(); err != nil {
		w.fail(err)
		return err
	}
	w.l.written.Add(int64(w.pending))
	w.unsynced += w.pending
	w.pending = 0
	return nil
}

// sync fsyncs the records written since the last fsync.
func (w *writer) sync() error {
	if w.f == nil || w.unsynced == 0 {
		return nil
	}
	if err := w.fsync(); err != nil {
		w.fail(err)
		return err
	}
	return nil
}

// fsync fsyncs the file: the records written to it since the last fsync
// count as Synced, or as Failed when it fails (the kernel may have
// dropped them, and says no more).
func (w *writer) fsync() error {
	w.l.syncs.Add(1)
	fsync := (*os.File).Sync
	if w.l.opts.syncFile != nil {
		fsync = w.l.opts.syncFile
	}
	n := int64(w.unsynced)
	w.unsynced = 0
	if err := fsync(w.f); err != nil {
		w.l.failed.Add(n)
		return err
	}
	w.l.synced.Add(n)
	return nil
}

// fail drops the file after an error: its buffered records are lost, and
// the next record opens a new file, so a torn line stays the last of its
// file, where the reader expects one. The records the file took before
// the error are fsynced first, as on rotation. A file that took no byte
// is removed, so that a disk failing every write does not collect one
// empty file per batch.
func (w *writer) fail(err error) {
	err = fmt.Errorf("decisionlog: %w", err)
	w.l.failed.Add(int64(w.pending))
	w.pending = 0
	if w.unsynced > 0 {
		if serr := w.fsync(); serr != nil {
			err = fmt.Errorf("%w (and the fsync of the records before it: %w)", err, serr)
		}
	}
	w.l.setErr(err)
	fi, serr := w.f.Stat()
	w.f.Close()
	if serr == nil && fi.Size() == 0 {
		_ = os.Remove(w.f.Name()) // best effort: it holds nothing
	}
	w.f = nil
}

// close flushes, fsyncs and closes the file, if one is open.
func (w *writer) close() {
	if w.f == nil {
		return
	}
	w.flush()
	w.sync()
	if w.f != nil {
		if err := w.f.Close(); err != nil {
			w.l.setErr(fmt.Errorf("decisionlog: %w", err))
		}
		w.f = nil
	}
}
