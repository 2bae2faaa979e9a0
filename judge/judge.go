package judge

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/llmrouter/llmrouter/internal/nilcheck"
	"github.com/llmrouter/llmrouter/internal/secret"

	"github.com/llmrouter/llmrouter/internal/sysclock"

	"github.com/llmrouter/llmrouter"
	"github.com/tmc/langchaingo/llms"
)

// Defaults of Options.
const (
	DefaultRate      = 0.1
	DefaultQueueSize = 256
	DefaultWorkers   = 2
	// MaxQueueSize and MaxWorkers bound Options.QueueSize and Workers:
	// New refuses larger values rather than reserve memory or start
	// goroutines without limit.
	MaxQueueSize              = 1 << 20
	MaxWorkers                = 4096
	DefaultTimeout            = 2 * time.Minute
	DefaultWindow             = time.Hour
	DefaultMaxOutputTokens    = 512
	DefaultReferenceMaxTokens = 2048
	DefaultMaxTextBytes       = 32 << 10
)

// Options configure New. Judge and one of Feedback or OnResult are
// required; every other field has the default named on it.
type Options struct {
	// Judge is the grading model; its card's prices cost its calls (and
	// its APIModel, when set, is passed with llms.WithModel). New fails on
	// a price (of Judge or Reference) that is not a finite number >= 0. Wrap any
	// llms.Model with llmrouter.NewProvider.
	Judge llmrouter.Provider
	// Reference, when set, makes the judge pairwise: the reference model
	// answers the same prompt and the judge compares the two answers twice,
	// positions swapped, the score being the mean (Arena-Hard's way of
	// cancelling position bias). Nil (default): pointwise, a 1–10 grade.
	Reference llmrouter.Provider
	// Feedback receives each grade by decision id (a *decisionlog.Log, or a
	// FeedbackFunc). Pointwise grade g maps to score (g−1)/9; a pairwise
	// verdict to the answer's share of the two games (much better 1,
	// better 0.75, tie 0.5, worse 0.25, much worse 0).
	Feedback Feedback
	// OnResult, if set, is called by a worker with every judged item's
	// Result, graded or not (malformed output, failure, cap). It must be
	// safe for concurrent use and should be quick. A panic in it is
	// recovered, logged with its stack (standard log package) and kept as
	// Stats.LastProblem; the worker goes on.
	OnResult func(Result)

	// Rubric is the grading criteria placed in the prompt (DefaultRubric
	// when empty). The instructions that keep the answer's text as data
	// and fix the grade's format are always added.
	Rubric string
	// Rate is the share of submitted answers judged, in [0,1]
	// (DefaultRate when 0).
	Rate float64
	// Rand returns uniform numbers in [0,1) for sampling (math/rand/v2's
	// Float64 when nil); an item is judged when its draw is below Rate (a
	// NaN draw never is). It must be safe for concurrent use: Submit calls
	// it on the request path. (The prompt's delimiter nonces come from
	// crypto/rand.)
	Rand func() float64
	// Clock times the spend-cap window and Timeout (the system clock
	// when nil).
	Clock llmrouter.Clock

	// QueueSize bounds the items waiting for a worker (DefaultQueueSize
	// when ≤ 0, at most MaxQueueSize); a sampled item finding it full is
	// dropped and counted.
	QueueSize int
	// Workers is how many items are judged at once (DefaultWorkers when ≤ 0;
	// at most MaxWorkers).
	Workers int
	// Timeout bounds the judging of one item, every call included
	// (DefaultTimeout when 0; negative: none).
	Timeout time.Duration
	// MaxOutputTokens limits each judge call's output (DefaultMaxOutputTokens
	// when ≤ 0); ReferenceMaxTokens the reference's answer
	// (DefaultReferenceMaxTokens when ≤ 0). Both bound the cost reserved.
	MaxOutputTokens, ReferenceMaxTokens int
	// MaxTextBytes: an item whose prompt or answer is longer is skipped,
	// not truncated, as a cut answer would be graded unfairly
	// (DefaultMaxTextBytes when ≤ 0).
	MaxTextBytes int

	// SpendCap is the most USD the judge (and reference) calls may cost per
	// Window; 0 (default): no cap. Before an item is judged its worst case
	// is reserved (the prompt at ~3 bytes a token plus the output limits);
	// an item that does not fit is skipped and counted (Stats.OverCap). A
	// window begins with the first item after the previous one ended.
	SpendCap float64
	// Window is the spend cap's period (DefaultWindow when ≤ 0).
	Window time.Duration
}

// Item is one answer to judge. Feedback is recorded under ID.
type Item struct {
	// ID is the decision's id; Model the model that answered.
	ID, Model string
	// Prompt is the question (for a routed response, the decision's
	// Features.Text: the last human message); Answer the answer's text.
	Prompt, Answer string
}

// Result is the outcome of judging one item, passed to Options.OnResult.
type Result struct {
	ID, Model string
	// Pairwise is true for a comparison with the reference model.
	Pairwise bool
	// Score in [0,1] is what Feedback received; Grade the pointwise grade
	// (1–10); Verdicts the pairwise games' verdicts, the answer being A in
	// the first and B in the second. Valid when Err is nil.
	Score    float64
	Grade    float64
	Verdicts [2]string
	// Note is the feedback note.
	Note string
	// Usage and Cost sum the judge's (and reference's) calls for this item.
	Usage llmrouter.Usage
	Cost  float64
	// Err says why there is no grade: it wraps ErrMalformed (with the
	// reason and the end of the output), ErrOverCap, the model's
	// error (context.Canceled when Close cut it short, with the cause), or
	// the Feedback's error.
	Err error
}

// Stats are a Judge's counters since New.
type Stats struct {
	// Sampled counts items chosen by Rate and queued.
	Sampled int64
	// Dropped counts sampled items never judged: queue full, judge closed,
	// or left queued when Close gave up waiting.
	Dropped int64
	// Graded counts grades delivered to Feedback (or OnResult).
	Graded int64
	// Malformed counts judge outputs with no usable grade; Failed model
	// calls that failed; OverCap items skipped by the spend cap;
	// FeedbackFailed grades Feedback rejected. Skipped counts sampled
	// answers Submit turned away at once, never queued: no decision id, no
	// prompt or answer text, a text longer than MaxTextBytes, or an answer
	// of the reference model itself (LastProblem says which).
	Malformed, Failed, OverCap, Skipped, FeedbackFailed int64
	// Spent is the USD cost of every call since New; WindowSpent of those
	// in the current window.
	Spent, WindowSpent float64
	// InputTokens and OutputTokens sum the calls' usage.
	InputTokens, OutputTokens int64
	// LastProblem is the latest problem: the reason an item was not
	// graded, or an OnResult panic (whose item may have been graded), with
	// API keys and tokens redacted.
	LastProblem string
}

// Judge grades answers with an LLM off the request path; see the package
// documentation. All methods are safe for concurrent use. Close it to stop
// its workers. Build it with New: the zero value is not usable (Submit,
// SubmitItem and Wrap panic saying so, Close returns it as an error).
type Judge struct {
	opts    Options
	rate    float64
	rnd     func() float64
	clock   llmrouter.Clock
	refName string

	q      chan Item
	stop   chan struct{}
	base   context.Context
	cancel context.CancelCauseFunc
	wg     sync.WaitGroup
	closed atomic.Bool
	once   sync.Once
	budget budget

	sampled, dropped, graded, malformed, failed, overCap, skipped, feedbackFailed atomic.Int64
	inTokens, outTokens                                                           atomic.Int64

	probMu      sync.Mutex
	lastProblem string
}

// errNotBuilt is what a Judge New did not make (its zero value) panics
// with or returns.
var errNotBuilt = errors.New("judge: Judge not made by New (its zero value is not usable)")

// mustBeBuilt panics with errNotBuilt's text for a Judge New did not make.
func (j *Judge) mustBeBuilt() {
	if j.q == nil {
		panic(errNotBuilt.Error())
	}
}

// errClosing is the cause of the calls Close cancels.
var errClosing = errors.New("judge: closed before the call finished")

// New starts a judge's workers. It fails naming the option at fault. The
// caller must Close the judge.
func New(opts Options) (*Judge, error) {
	switch {
	case isNil(opts.Judge):
		return nil, errors.New("judge: New: Options.Judge is required")
	case opts.Reference != nil && isNil(opts.Reference):
		return nil, fmt.Errorf("judge: New: Options.Reference is a nil %T", opts.Reference)
	case opts.Feedback == nil && opts.OnResult == nil:
		return nil, errors.New("judge: New: nothing receives the grades: set Options.Feedback or Options.OnResult")
	case opts.Feedback != nil && isNil(opts.Feedback):
		return nil, fmt.Errorf("judge: New: Options.Feedback is a nil %T (did its constructor fail?)", opts.Feedback)
	case math.IsNaN(opts.Rate) || opts.Rate < 0 || opts.Rate > 1:
		return nil, fmt.Errorf("judge: New: Options.Rate %v is outside [0,1]", opts.Rate)
	case math.IsNaN(opts.SpendCap) || math.IsInf(opts.SpendCap, 0) || opts.SpendCap < 0:
		return nil, fmt.Errorf("judge: New: Options.SpendCap %v must be a finite USD amount ≥ 0", opts.SpendCap)
	case nilcheck.PointerOrFunc(opts.Clock):
		return nil, fmt.Errorf("judge: New: Options.Clock is a nil %T (did its constructor fail?)", opts.Clock)
	case opts.QueueSize > MaxQueueSize:
		return nil, fmt.Errorf("judge: New: Options.QueueSize %d is above MaxQueueSize (%d)", opts.QueueSize, MaxQueueSize)
	case opts.Workers > MaxWorkers:
		return nil, fmt.Errorf("judge: New: Options.Workers %d is above MaxWorkers (%d)", opts.Workers, MaxWorkers)
	}
	if err := checkPrices("Judge", opts.Judge); err != nil {
		return nil, err
	}
	if opts.Reference != nil {
		if err := checkPrices("Reference", opts.Reference); err != nil {
			return nil, err
		}
	}
	if opts.Rate == 0 {
		opts.Rate = DefaultRate
	}
	if opts.Rand == nil {
		opts.Rand = rand.Float64
	}
	if opts.Clock == nil {
		opts.Clock = sysclock.Clock{}
	}
	if opts.Rubric == "" {
		opts.Rubric = DefaultRubric
	}
	if opts.QueueSize <= 0 {
		opts.QueueSize = DefaultQueueSize
	}
	if opts.Workers <= 0 {
		opts.Workers = DefaultWorkers
	}
	if opts.Timeout == 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxOutputTokens <= 0 {
		opts.MaxOutputTokens = DefaultMaxOutputTokens
	}
	if opts.ReferenceMaxTokens <= 0 {
		opts.ReferenceMaxTokens = DefaultReferenceMaxTokens
	}
	if opts.MaxTextBytes <= 0 {
		opts.MaxTextBytes = DefaultMaxTextBytes
	}
	if opts.Window <= 0 {
		opts.Window = DefaultWindow
	}
	j := &Judge{
		opts: opts, rate: opts.Rate, rnd: opts.Rand, clock: opts.Clock,
		q: make(chan Item, opts.QueueSize), stop: make(chan struct{}),
		budget: budget{clock: opts.Clock, cap: opts.SpendCap, window: opts.Window},
	}
	if opts.Reference != nil {
		j.refName = opts.Reference.Card().Name
	}
	j.base, j.cancel = context.WithCancelCause(context.Background())
	j.wg.Add(opts.Workers)
	for range opts.Workers {
		go j.work()
	}
	return j, nil
}

// Submit offers a response of Router.GenerateContent for judging: with
// probability Rate it queues the answer (its first choice's text) with the
// decision's id, answering model and prompt (Decision.Features.Text), and
// reports whether it did. It never blocks and never calls a model: a full
// queue or a closed judge drops the item and counts it. A response without
// a decision (not from a Router) is counted as skipped when sampled.
func (j *Judge) Submit(resp *llms.ContentResponse) bool {
	j.mustBeBuilt()
	if !(j.rnd() < j.rate) { // a NaN draw samples nothing
		return false
	}
	d, ok := llmrouter.DecisionFrom(resp)
	if !ok {
		j.skip("the response carries no routing decision")
		return false
	}
	return j.enqueue(Item{ID: d.ID, Model: d.Answered, Prompt: d.Features.Text, Answer: content(resp)})
}

// SubmitItem is Submit for an answer held as an Item (for instance one read
// back from a decision log).
func (j *Judge) SubmitItem(it Item) bool {
	j.mustBeBuilt()
	if !(j.rnd() < j.rate) { // a NaN draw samples nothing
		return false
	}
	return j.enqueue(it)
}

func (j *Judge) enqueue(it Item) bool {
	if reason := j.check(&it); reason != "" {
		j.skip(reason)
		return false
	}
	if j.closed.Load() {
		j.dropped.Add(1)
		return false
	}
	select {
	case j.q <- it:
		j.sampled.Add(1)
		return true
	default:
		j.dropped.Add(1)
		return false
	}
}

// check says why it cannot be judged, or "".
func (j *Judge) check(it *Item) string {
	switch {
	case it.ID == "":
		return fmt.Sprintf("answer of %q has no decision id", it.Model)
	case it.Prompt == "":
		return fmt.Sprintf("decision %q has no prompt text", it.ID)
	case it.Answer == "":
		return fmt.Sprintf("decision %q has an empty answer", it.ID)
	case len(it.Prompt) > j.opts.MaxTextBytes || len(it.Answer) > j.opts.MaxTextBytes:
		return fmt.Sprintf("decision %q: prompt (%d bytes) or answer (%d bytes) is longer than MaxTextBytes (%d)",
			it.ID, len(it.Prompt), len(it.Answer), j.opts.MaxTextBytes)
	case j.refName != "" && it.Model == j.refName:
		return fmt.Sprintf("decision %q was answered by the reference model %q", it.ID, it.Model)
	}
	return ""
}

func (j *Judge) skip(reason string) {
	j.skipped.Add(1)
	j.problem(reason)
}

func (j *Judge) problem(reason string) {
	reason = secret.String(reason) // a transport error may quote a key in its URL
	j.probMu.Lock()
	j.lastProblem = reason
	j.probMu.Unlock()
}

// Wrap returns an llms.Model that calls m (a *llmrouter.Router) and
// Submits each successful response: judging for any chain or agent, with no
// change to its code. It adds Submit's cost to each call and nothing else.
func (j *Judge) Wrap(m llms.Model) llms.Model {
	j.mustBeBuilt()
	return wrapped{j: j, m: m}
}

type wrapped struct {
	j *Judge
	m llms.Model
}

func (w wrapped) GenerateContent(ctx context.Context, messages []llms.MessageContent, options ...llms.CallOption) (*llms.ContentResponse, error) {
	resp, err := w.m.GenerateContent(ctx, messages, options...)
	if err == nil {
		w.j.Submit(resp)
	}
	return resp, err
}

func (w wrapped) Call(ctx context.Context, prompt string, options ...llms.CallOption) (string, error) {
	return llms.GenerateFromSinglePrompt(ctx, w, prompt, options...)
}

// Stats returns the judge's counters.
func (j *Judge) Stats() Stats {
	window, total := j.budget.snapshot()
	j.probMu.Lock()
	last := j.lastProblem
	j.probMu.Unlock()
	return Stats{
		Sampled: j.sampled.Load(), Dropped: j.dropped.Load(), Graded: j.graded.Load(),
		Malformed: j.malformed.Load(), Failed: j.failed.Load(), OverCap: j.overCap.Load(),
		Skipped: j.skipped.Load(), FeedbackFailed: j.feedbackFailed.Load(),
		Spent: total, WindowSpent: window,
		InputTokens: j.inTokens.Load(), OutputTokens: j.outTokens.Load(), LastProblem: last,
	}
}

// Close stops taking items and waits for the workers to judge what is
// queued. When ctx ends first, it cancels the calls in flight (their items
// count as Failed, with the cause errClosing), drops what is still queued
// (Dropped), waits for the workers to return and returns ctx's error; a
// judge model that ignores its context's cancellation delays that return.
// Every goroutine of the judge has ended when Close returns. Items
// submitted after Close are dropped; one racing with Close may be lost
// uncounted. Closing twice is safe.
func (j *Judge) Close(ctx context.Context) error {
	if j.q == nil {
		return errNotBuilt
	}
	j.once.Do(func() {
		j.closed.Store(true)
		close(j.stop)
	})
	done := make(chan struct{})
	go func() { j.wg.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = ctx.Err()
		j.cancel(errClosing)
		<-done
	}
	for {
		select {
		case <-j.q: // submitted while the workers were stopping
			j.dropped.Add(1)
			continue
		default:
		}
		break
	}
	j.cancel(errClosing)
	return err
}

// work is one worker: it judges items until Close, then what is queued.
func (j *Judge) work() {
	defer j.wg.Done()
	for {
		select {
		case it := <-j.q:
			j.run(it)
		case <-j.stop:
			for {
				select {
				case it := <-j.q:
					j.run(it)
					continue
				default:
				}
				return
			}
		}
	}
}

// isNil reports whether v is nil or holds a nil pointer or func (a
// provider or log whose constructor failed: calling it would panic on a
// worker).
func isNil(v any) bool { return v == nil || nilcheck.PointerOrFunc(v) }

// checkPrices rejects a card whose prices are not finite and non-negative:
// they cost every call, and a NaN or negative cost would make the spend
// cap never hold. (llmrouter.New checks the router's cards; the judge's
// need not be among them.)
func checkPrices(field string, p llmrouter.Provider) error {
	c := p.Card()
	for _, f := range [...]struct {
		name string
		v    float64
	}{{"InputPerMTok", c.InputPerMTok}, {"OutputPerMTok", c.OutputPerMTok}} {
		if !(f.v >= 0) || math.IsInf(f.v, 1) {
			return fmt.Errorf("judge: New: Options.%s: model %q: %s is %v; want a finite price >= 0", field, c.Name, f.name, f.v)
		}
	}
	return nil
}
