package decisionlog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/llmrouter/llmrouter/internal/nilcheck"
	"github.com/llmrouter/llmrouter/internal/sysclock"

	"github.com/llmrouter/llmrouter"
	"github.com/tmc/langchaingo/llms"
)

// Defaults of Options.
const (
	DefaultQueueSize = 4096
	// MaxQueueSize bounds Options.QueueSize: Open refuses a larger queue
	// rather than reserve memory without limit.
	MaxQueueSize        = 1 << 20
	DefaultSyncEvery    = 1000
	DefaultSyncInterval = time.Second
	DefaultMaxFileBytes = 64 << 20
	// MaxNoteBytes is the longest feedback note Feedback accepts.
	MaxNoteBytes = 4096
)

// maxBatch is how many queued records one write gathers.
const maxBatch = 512

// ErrClosed is returned by Feedback on a closed Log.
var ErrClosed = errors.New("decisionlog: log closed")

// Options configure Open. The zero value is a valid configuration: no
// prompt or answer text, users as the decisions hold them, and the defaults
// named on each field.
type Options struct {
	// PromptText says how a decision's prompt (Features.Text) is logged:
	// TextOff (default), TextHashed or TextFull. ExportOutcomes needs TextFull.
	PromptText TextMode
	// AnswerText says how RecordAnswer logs an answer: TextOff (default:
	// RecordAnswer does nothing), TextHashed or TextFull. ExportVerifier needs TextFull.
	AnswerText TextMode
	// HashUsers logs Hints.User as the keyed pseudonym
	// llmrouter.WithUserRedaction would write under HashKey. Leave it off when
	// the router already redacts users.
	HashUsers bool
	// HashKey is the HMAC key for TextHashed and HashUsers: at least 16
	// bytes, secret, and the same in every process that should produce the
	// same hashes. Required only when something is hashed.
	HashKey []byte

	// QueueSize bounds the records waiting to be written
	// (DefaultQueueSize when ≤ 0, at most MaxQueueSize); a record finding
	// it full is dropped.
	QueueSize int
	// SyncEvery: fsync after this many records (DefaultSyncEvery when ≤ 0).
	SyncEvery int
	// SyncInterval: fsync at most this long after the first unsynced record
	// (DefaultSyncInterval when ≤ 0).
	SyncInterval time.Duration
	// MaxFileBytes: a file is rotated before it would grow past this
	// (DefaultMaxFileBytes when ≤ 0). A larger record gets a file of its own.
	MaxFileBytes int64
	// Clock times feedback, answers, file names and the sync interval
	// (the system clock when nil).
	Clock llmrouter.Clock

	// For tests: the write buffer's size, a wrapper around each file and
	// the file's fsync ((*os.File).Sync when nil).
	bufSize  int
	wrapFile func(io.Writer) io.Writer
	syncFile func(*os.File) error
}

// Stats are a Log's counters since Open. Written, Synced and Failed count
// records. Once Close has returned, every record the log accepted is in
// exactly one of Dropped, Synced and Failed (but one racing with Close,
// see Close).
type Stats struct {
	// Dropped counts records lost without being written: queue full, log
	// closed, or too large to write (over MaxLineBytes).
	Dropped int64
	// Written counts records handed to the operating system; Synced those
	// also fsynced.
	Written, Synced int64
	// Failed counts records lost to errors (see Log.Err): those a write
	// error or a file that could not be opened kept from the operating
	// system, and those written (so also counted in Written) whose fsync
	// failed, which may or may not be on disk.
	Failed int64
	// Files counts files opened; Syncs fsync calls.
	Files, Syncs int64
}

// Log is a durable decision log writing to one directory; see the package
// documentation. It is a llmrouter.Sink: pass it to llmrouter.WithSink. All
// methods are safe for concurrent use. Close it to flush and stop its
// goroutine.
type Log struct {
	dir   string
	opts  Options
	clock llmrouter.Clock
	pid   int

	q      chan item
	fbq    chan item
	stop   chan struct{}
	done   chan struct{}
	closed atomic.Bool
	once   sync.Once

	dropped, written, synced, failed, files, syncs atomic.Int64

	errMu   sync.Mutex
	lastErr error

	w writer // owned by the loop goroutine
}

var _ llmrouter.Sink = (*Log)(nil)

// item is one queued record: a decision (d set), an answer or a feedback.
type item struct {
	d          *llmrouter.Decision
	kind       Kind
	id, model  string
	text, note string
	score      float64
	logged     time.Time
	done       chan error
}

// Open starts a log writing to dir, creating it (0700) if needed. It fails
// on an invalid option (a Clock that is a nil pointer included) or a
// directory it cannot create. The caller must
// Close the log.
func Open(dir string, opts Options) (*Log, error) {
	if dir == "" {
		return nil, errors.New("decisionlog: Open: no directory")
	}
	if err := opts.check(); err != nil {
		return nil, err
	}
	if nilcheck.PointerOrFunc(opts.Clock) {
		return nil, fmt.Errorf("decisionlog: Open: Options.Clock is a nil %T (did its constructor fail?)", opts.Clock)
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = DefaultQueueSize
	}
	if opts.SyncEvery <= 0 {
		opts.SyncEvery = DefaultSyncEvery
	}
	if opts.SyncInterval <= 0 {
		opts.SyncInterval = DefaultSyncInterval
	}
	if opts.MaxFileBytes <= 0 {
		opts.MaxFileBytes = DefaultMaxFileBytes
	}
	if opts.bufSize <= 0 {
		opts.bufSize = 256 << 10
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("decisionlog: Open: %w", err)
	}
	clock := opts.Clock
	if clock == nil {
		clock = sysclock.Clock{}
	}
	l := &Log{
		dir: dir, opts: opts, clock: clock, pid: os.Getpid(),
		q: make(chan item, opts.QueueSize), fbq: make(chan item),
		stop: make(chan struct{}), done: make(chan struct{}),
	}
	l.w.l = l
	go l.loop()
	return l, nil
}

func (o *Options) check() error {
	for _, m := range []struct {
		name string
		m    TextMode
	}{{"PromptText", o.PromptText}, {"AnswerText", o.AnswerText}} {
		if m.m > TextFull {
			return fmt.Errorf("decisionlog: Options.%s: unknown mode %d", m.name, m.m)
		}
	}
	if o.QueueSize > MaxQueueSize {
		return fmt.Errorf("decisionlog: Options.QueueSize %d is above MaxQueueSize (%d)", o.QueueSize, MaxQueueSize)
	}
	hashes := o.PromptText == TextHashed || o.AnswerText == TextHashed || o.HashUsers
	if hashes && len(o.HashKey) < minHashKey {
		return fmt.Errorf("decisionlog: Options.HashKey must be at least %d bytes when text or users are hashed (has %d)", minHashKey, len(o.HashKey))
	}
	return nil
}

// Record implements llmrouter.Sink: it queues d to be written and returns
// at once. A full queue or a closed log drops d and counts it
// (Stats.Dropped); d is never blocked on. The log keeps d until it is
// written and does not modify it.
func (l *Log) Record(d *llmrouter.Decision) {
	if d == nil {
		return
	}
	l.enqueue(item{d: d, kind: KindDecision})
}

// RecordAnswer queues the answer text of resp, a response of
// Router.GenerateContent, under its decision's id and answering model, for
// ExportVerifier. It does nothing under AnswerText TextOff (the default) or
// when resp carries no decision; like Record, it never blocks and drops
// when the queue is full.
func (l *Log) RecordAnswer(resp *llms.ContentResponse) {
	if l.opts.AnswerText == TextOff {
		return
	}
	d, ok := llmrouter.DecisionFrom(resp)
	if !ok || d.Answered == "" {
		return
	}
	for _, c := range resp.Choices {
		if c != nil {
			l.enqueue(item{kind: KindAnswer, id: d.ID, model: d.Answered, text: c.Content})
			return
		}
	}
}

func (l *Log) enqueue(it item) {
	if l.closed.Load() {
		l.dropped.Add(1)
		return
	}
	select {
	case l.q <- it:
	default:
		l.dropped.Add(1)
	}
}

// Feedback records score (in [0,1], 1 = acceptable) and an optional note
// (at most MaxNoteBytes) for decision id, for the model that answered it.
// An empty id, a score outside [0,1] (NaN included), and an id or note
// that is not UTF-8 are refused with an error naming them.
// Any process may give feedback on any decision of a directory, days later:
// the decision need not be in this Log, and is not looked up (ExportOutcomes
// joins the two and counts feedback without a decision). Feedback returns
// once the record is written and fsynced, or with ctx's error when ctx ends
// first (the record may then still be written; under a ctx that had ended
// before the call, nothing is), or ErrClosed. Later feedback on the same
// decision replaces earlier feedback when exporting.
func (l *Log) Feedback(ctx context.Context, id string, score float64, note string) error {
	switch {
	case id == "":
		return errors.New("decisionlog: Feedback: empty decision id")
	case !utf8.ValidString(id): // JSON would write U+FFFD for the bad bytes: another id
		return fmt.Errorf("decisionlog: Feedback: decision id %q is not UTF-8", id)
	case !utf8.ValidString(note):
		return fmt.Errorf("decisionlog: Feedback for decision %q: note is not UTF-8", id)
	case !(score >= 0 && score <= 1) || math.IsNaN(score):
		return fmt.Errorf("decisionlog: Feedback for decision %q: score %v is outside [0,1]", id, score)
	case len(note) > MaxNoteBytes:
		return fmt.Errorf("decisionlog: Feedback for decision %q: note of %d bytes is longer than %d", id, len(note), MaxNoteBytes)
	}
	if err := ctx.Err(); err != nil {
		return err // before the select, which may pick a ready queue over an ended ctx
	}
	it := item{kind: KindFeedback, id: id, score: score, note: note, logged: l.clock.Now(), done: make(chan error, 1)}
	select {
	case l.fbq <- it:
	case <-ctx.Done():
		return ctx.Err()
	case <-l.done:
		return ErrClosed
	}
	select {
	case err := <-it.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Stats returns the log's counters.
func (l *Log) Stats() Stats {
	return Stats{
		Dropped: l.dropped.Load(), Written: l.written.Load(), Synced: l.synced.Load(),
		Failed: l.failed.Load(), Files: l.files.Load(), Syncs: l.syncs.Load(),
	}
}

// Err returns the last write, sync or file error, if any. After an error
// the log goes on with a new file.
func (l *Log) Err() error {
	l.errMu.Lock()
	defer l.errMu.Unlock()
	return l.lastErr
}

func (l *Log) setErr(err error) {
	l.errMu.Lock()
	l.lastErr = err
	l.errMu.Unlock()
}

// Close writes everything queued, fsyncs and closes the file, and stops the
// log's goroutine, returning once it has stopped. Records queued after
// Close are dropped; one racing with Close may be lost uncounted. It
// returns Err. Closing twice is safe.
func (l *Log) Close() error {
	l.once.Do(func() {
		l.closed.Store(true)
		close(l.stop)
	})
	<-l.done
	return l.Err()
}

// loop is the log's one goroutine: it owns the file.
func (l *Log) loop() {
	defer close(l.done)
	var tick <-chan time.Time // armed while records are unsynced
	for {
		select {
		case it := <-l.q:
			l.w.add(it)
			for n := 1; n < maxBatch; n++ {
				select {
				case it = <-l.q:
					l.w.add(it)
					continue
				default:
				}
				break
			}
			l.w.flush()
			if l.w.unsynced >= l.opts.SyncEvery {
				l.w.sync()
			}
		case it := <-l.fbq:
			err := l.w.add(it)
			if ferr := l.w.flush(); err == nil {
				err = ferr
			}
			if serr := l.w.sync(); err == nil {
				err = serr
			}
			it.done <- err
		case <-tick:
			tick = nil
			l.w.sync()
		case <-l.stop:
			for {
				select {
				case it := <-l.q:
					l.w.add(it)
					continue
				default:
				}
				break
			}
			l.w.flush()
			l.w.close()
			return
		}
		if l.w.unsynced == 0 {
			tick = nil
		} else if tick == nil {
			tick = l.clock.After(l.opts.SyncInterval)
		}
	}
}
