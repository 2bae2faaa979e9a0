package llmrouter

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/llmrouter/llmrouter/internal/nilcheck"

	"github.com/tmc/langchaingo/llms"
)

// Router routes each request to a model and calls it. It implements
// llms.Model, so any langchaingo chain or agent gets routing by using a
// Router as its model. A Router is safe for concurrent use; build it with
// New and do not copy it. The zero Router has no models: its calls fail
// with ErrNoProviders.
type Router struct {
	config // the options, completed with defaults by New

	models    []ModelCard
	providers []Provider
	strength  []float64 // per model: card Quality, or derived from price
	strengthZ []float64 // logit of strength, clamped as QualityForDifficulty does

	idPrefix string
	seq      atomic.Uint64
	scratch  sync.Pool

	fb *resilience // plan execution settings (resilience.go); never nil after New

	pair     stagePair     // classifier and policy swapped together (stages.go); nil if not
	starters []callStarter // the policy's, found by New (callstart.go)
}

var _ llms.Model = (*Router)(nil)

// Option configures New.
type Option func(*config)

type config struct {
	analyzer   Analyzer // never nil after New, as the other stages
	classifier Classifier
	policy     Policy
	sinks      []Sink
	clock      Clock
	newID      func() string
	counter    func(text string) int // the usage estimate's, from DefaultAnalyzer.Counter

	errClassifier func(err error) llms.ErrorCode // WithErrorClassifier's; nil: ErrorCodeOf
	fallback      *Fallback

	userRedaction UserRedaction
	redactUser    func(string) string // from userRedaction; nil: verbatim
}

// WithAnalyzer sets the analyzer. Default: DefaultAnalyzer{}. A
// DefaultAnalyzer's Counter also estimates answers' tokens when a provider
// reports no usage.
func WithAnalyzer(a Analyzer) Option { return func(c *config) { c.analyzer = a } }

// WithClassifier sets the classifier. Default: the built-in classifier (see
// DefaultClassifier).
func WithClassifier(cl Classifier) Option { return func(c *config) { c.classifier = cl } }

// WithPolicy sets the policy. Default: DefaultPolicy().
func WithPolicy(p Policy) Option { return func(c *config) { c.policy = p } }

// WithSink adds sinks that receive every decision after its call. Nil
// sinks (and nil pointers) are ignored.
func WithSink(s ...Sink) Option {
	return func(c *config) {
		for _, x := range s {
			if !isNil(x) {
				c.sinks = append(c.sinks, x)
			}
		}
	}
}

// WithClock sets the clock the router reads for decision times and
// latencies, and that plan execution waits on (backoff, cooldowns, hedge
// delays, attempt timeouts) unless Fallback.Clock says otherwise. Inject a
// fake one (routertest.Clock) to test without sleeping. Default, and nil:
// the system clock (time.Now, time.After).
func WithClock(c Clock) Option { return func(cfg *config) { cfg.clock = c } }

// now reads the router's clock.
func (r *Router) now() time.Time { return r.clock.Now() }

// since returns the time elapsed since t on the router's clock. On the
// system clock it is time.Since, which reads the monotonic clock alone
// (time.Now reads the wall clock too).
func (r *Router) since(t time.Time) time.Duration {
	if _, ok := r.clock.(systemClock); ok {
		return time.Since(t)
	}
	return r.clock.Now().Sub(t)
}

// WithIDGenerator sets how decision IDs are made. It must be safe for
// concurrent use. Default: a random per-router prefix and a counter, which
// also replaces an empty id fn returns (feedback needs an id).
func WithIDGenerator(fn func() string) Option { return func(c *config) { c.newID = fn } }

// New returns a Router over providers. It fails with ErrNoProviders when
// there are none, and with an error naming the problem when a provider is
// nil, a card has no name or repeats one, a price is negative or not
// finite, a context window or typical latency is negative, a quality is
// outside [0,1], a Fallback field is out of range (see Fallback), a stage,
// clock or verifier is a nil pointer or nil func (a constructor whose error
// was dropped), or the classifier or policy names a model the router does
// not have. Nil options are skipped.
func New(providers []Provider, opts ...Option) (*Router, error) {
	if len(providers) == 0 {
		return nil, ErrNoProviders
	}
	var cfg config
	for _, o := range opts {
		if o != nil { // an option left unset by a conditional
			o(&cfg)
		}
	}
	if err := cfg.checkNil(); err != nil {
		return nil, err
	}
	if f := cfg.fallback; f != nil {
		if err := f.check(); err != nil {
			return nil, err
		}
	}
	if f := cfg.fallback; f != nil && !f.NoBreaker && f.Breakers == nil {
		if err := f.Breaker.Validate(); err != nil {
			return nil, fmt.Errorf("llmrouter: Fallback.Breaker: %w", err)
		}
	}
	r := &Router{config: cfg}
	seen := make(map[string]int, len(providers))
	for i, p := range providers {
		if isNil(p) {
			return nil, fmt.Errorf("llmrouter: provider %d is nil", i)
		}
		card := p.Card()
		switch {
		case card.Name == "":
			return nil, fmt.Errorf("llmrouter: provider %d has a card with no name", i)
		}
		if err := card.check(); err != nil {
			return nil, err
		}
		if j, dup := seen[card.Name]; dup {
			return nil, fmt.Errorf("llmrouter: duplicate model name %q (providers %d and %d)", card.Name, j, i)
		}
		seen[card.Name] = i
		r.models = append(r.models, card)
		r.providers = append(r.providers, p)
	}
	r.strength = strengths(r.models)
	for _, s := range r.strength {
		r.strengthZ = append(r.strengthZ, logit(clampOpen(s)))
	}
	switch a := r.analyzer.(type) {
	case DefaultAnalyzer:
		r.counter = a.Counter
	case *DefaultAnalyzer: // a nil pointer was refused above, as every typed nil
		r.counter = a.Counter
	}
	if r.counter == nil {
		r.counter = estimateTokens
	}
	if r.analyzer == nil {
		r.analyzer = DefaultAnalyzer{}
	}
	if r.classifier == nil {
		r.classifier = builtinClassifier()
	}
	if r.policy == nil {
		r.policy = DefaultPolicy()
	}
	if r.clock == nil {
		r.clock = systemClock{}
	}
	r.fb = newResilience(cfg.fallback, r.models, r.clock)
	r.starters = starters(r.policy, nil)
	redact, err := cfg.userRedaction.redactor()
	if err != nil {
		return nil, err
	}
	r.redactUser = redact
	r.pair = pairOf(r.classifier, r.policy)
	if err := validateStages(r.models, r.classifier, r.policy); err != nil {
		return nil, err
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	r.idPrefix = "d" + strconv.FormatUint(uint64(binary.BigEndian.Uint32(b[:])), 36) + "-"
	r.scratch.New = func() any { return &scratch{ngrams: make([]uint32, 0, 1024)} }
	return r, nil
}

// checkNil reports a stage, clock or verifier given as a nil pointer or
// nil func (a constructor whose error was dropped): it would panic on
// every request, or in New. A nil interface takes the default.
func (c *config) checkNil() error {
	type option struct {
		name string
		v    any
	}
	vs := []option{{"WithAnalyzer", c.analyzer}, {"WithClassifier", c.classifier}, {"WithPolicy", c.policy}, {"WithClock", c.clock}}
	if f := c.fallback; f != nil {
		vs = append(vs, option{"Fallback.Verifier", f.Verifier}, option{"Fallback.Clock", f.Clock})
	}
	for _, x := range vs {
		if nilcheck.PointerOrFunc(x.v) {
			return fmt.Errorf("llmrouter: %s: a nil %T (did its constructor fail?)", x.name, x.v)
		}
	}
	if f := c.fallback; f != nil {
		if l, ok := f.Verifier.(verifierList); ok {
			if err := l.checkNil(); err != nil {
				return fmt.Errorf("llmrouter: Fallback.Verifier: %w", err)
			}
		}
	}
	return nil
}

// strengths returns each model's prior strength: its card's Quality, or
// when unset a value from its price rank among the models, 0.6 for the
// cheapest to 0.9 for the dearest, so dearer models count as stronger.
func strengths(models []ModelCard) []float64 {
	price := func(m ModelCard) float64 { return m.InputPerMTok + 3*m.OutputPerMTok }
	var prices []float64
	for _, m := range models {
		prices = append(prices, price(m))
	}
	slices.Sort(prices)
	prices = slices.Compact(prices)
	s := make([]float64, len(models))
	for i, m := range models {
		switch {
		case m.Quality > 0:
			s[i] = m.Quality
		case len(prices) == 1:
			s[i] = 0.75
		default:
			rank, _ := slices.BinarySearch(prices, price(m))
			s[i] = 0.6 + 0.3*float64(rank)/float64(len(prices)-1)
		}
	}
	return s
}

// Models returns a copy of the router's model cards, in order.
func (r *Router) Models() []ModelCard { return slices.Clone(r.models) }

type scratch struct {
	req      Request
	features Features
	routing  Routing // handed to the policy, an interface: pooled, not allocated
	ngrams   []uint32
}

// Route runs the analyzer, the classifier and the policy and returns the
// decision, without calling any model: a dry run that explains what the
// router would do and lets tests pin routing behaviour. It fails with
// ErrNoMessages for a request without content, a *NoCandidateError
// (matching ErrNoCandidate) when the policy removed every model, or the
// classifier's or policy's error, or an error naming a negative or NaN
// Hints limit (or an infinite MaxCost). Route does not block; ctx supplies
// Hints.
func (r *Router) Route(ctx context.Context, messages []llms.MessageContent, options ...llms.CallOption) (*Decision, error) {
	d, _, _, err := r.route(ctx, messages, options, false, nil)
	return d, err
}

// route is Route; with firstAttempt the Decision comes with room for one
// Attempt, returned empty (see newDecision). A non-nil applied gets the
// options applied, before any stage sees them. It also returns the policy
// that planned the request: with a stage pair, that version's, whose call
// starters GenerateContent runs.
func (r *Router) route(ctx context.Context, messages []llms.MessageContent, options []llms.CallOption, firstAttempt bool, applied *llms.CallOptions) (*Decision, []Attempt, Policy, error) {
	if err := checkMessages(messages); err != nil {
		return nil, nil, nil, err
	}
	if len(r.models) == 0 {
		return nil, nil, nil, errZeroRouter
	}
	s := r.scratch.Get().(*scratch)
	defer r.putScratch(s)
	s.req.Messages = messages
	s.req.Options = llms.CallOptions{}
	if err := applyCallerOptions(&s.req.Options, options); err != nil { // never writes into the caller's Metadata map
		return nil, nil, nil, err
	}
	if applied != nil {
		*applied = s.req.Options
	}
	s.req.Hints = hintsFromContext(ctx)
	if err := s.req.Hints.check(); err != nil {
		return nil, nil, nil, err
	}
	s.features.NGrams = s.ngrams[:0]
	if err := analyzeRequest(r.analyzer, &s.req, &s.features); err != nil {
		return nil, nil, nil, fmt.Errorf("llmrouter: analyzer: %w", err)
	}
	if cap(s.features.NGrams) > cap(s.ngrams) && cap(s.features.NGrams) <= 1<<16 {
		s.ngrams = s.features.NGrams[:0] // keep the grown buffer, within reason
	}
	return r.decide(ctx, s, firstAttempt)
}

// errPlannedRemoved is the error of a plan naming a model a filter removed:
// calling it would undo the filter (a tier's access, a capability, a
// budget), so the request fails instead. Out of line: never taken by a
// well-ordered policy.
//
//go:noinline
func errPlannedRemoved(model, why string) error {
	return fmt.Errorf("llmrouter: policy planned %q, which was removed (%s): a selection rule ran before a filter, or planned a removed model; apply filters before selection rules", model, why)
}

// errPlannedTwice is the error of a plan whose step i names the model of
// an earlier step; nil if none does. Out of line, as errPlannedRemoved.
//
//go:noinline
func errPlannedTwice(plan []Step, i int) error {
	for j := range i {
		if plan[j].Index == plan[i].Index {
			return fmt.Errorf("llmrouter: policy planned %q twice (steps %d and %d): a selection rule plans only candidates not already planned", plan[i].Model, j+1, i+1)
		}
	}
	return nil
}

// errPlannedMismatch is the error of a plan step whose Index is not its
// Model's: naming the model's index when it is the router's, since a
// custom rule that left Step.Index at 0 needs to know what to set.
//
//go:noinline
func errPlannedMismatch(models []ModelCard, s Step) error {
	for i := range models {
		if models[i].Name == s.Model {
			return fmt.Errorf("llmrouter: policy planned %q at index %d, but its Candidate.Index %d is the Step.Index to set", s.Model, s.Index, i)
		}
	}
	return fmt.Errorf("llmrouter: policy planned %q at index %d, which is not a router model", s.Model, s.Index)
}

// errZeroRouter is the error of a Router New did not make.
var errZeroRouter = fmt.Errorf("%w: Router not made by New (its zero value has no models)", ErrNoProviders)

func (r *Router) putScratch(s *scratch) {
	s.req = Request{}
	s.features = Features{}
	s.routing = Routing{}
	r.scratch.Put(s)
}

func checkMessages(messages []llms.MessageContent) error {
	if len(messages) == 0 {
		return ErrNoMessages
	}
	for _, m := range messages {
		for _, p := range m.Parts {
			switch p := p.(type) {
			case nil:
			case llms.TextContent:
				if p.Text != "" {
					return nil
				}
			case *llms.TextContent:
				if p != nil && p.Text != "" {
					return nil
				}
			default:
				if !isNil(p) { // a nil *ImageURLContent is no image
					return nil
				}
			}
		}
	}
	return fmt.Errorf("%w: %d message(s) with no text or other content", ErrNoMessages, len(messages))
}

func (r *Router) decide(ctx context.Context, s *scratch, firstAttempt bool) (*Decision, []Attempt, Policy, error) {
	req, f := &s.req, &s.features
	n := len(r.models)
	// The sequence number is taken before the Decision is allocated: an
	// atomic add waits for the stores before it, and the allocation
	// zeroes 1-2 KB.
	var seq uint64
	if r.newID == nil {
		seq = r.seq.Add(1)
	}
	d, first := newDecision(n, firstAttempt)
	d.Time, d.Hints = r.now(), req.Hints
	if r.redactUser != nil && d.Hints.User != "" {
		d.Hints.User = r.redactUser(d.Hints.User) // the policy gets req.Hints, unredacted
	}
	if r.newID != nil {
		if d.ID = r.newID(); d.ID == "" {
			d.setID(r.idPrefix, r.seq.Add(1)) // feedback needs an id
		}
	} else {
		d.setID(r.idPrefix, seq)
	}
	for i := range d.Prediction.Quality {
		d.Prediction.Quality[i] = math.NaN()
	}
	d.Prediction.Difficulty = math.NaN()
	classifier, policy := r.stages() // once: one request sees one pair
	if err := classifyRequest(ctx, classifier, f, r.models, &d.Prediction); err != nil {
		return nil, nil, nil, fmt.Errorf("llmrouter: classifier: %w", err)
	}
	if len(d.Prediction.Quality) != n {
		return nil, nil, nil, fmt.Errorf("llmrouter: classifier: Prediction.Quality has %d entries for the router's %d models (write in place, NaN for no opinion)", len(d.Prediction.Quality), n)
	}
	out := f.MaxTokens
	if out <= 0 {
		out = DefaultExpectedOutputTokens
	}
	dz := logit(clampOpen(d.Prediction.Difficulty))
	for i, m := range r.models {
		q := d.Prediction.Quality[i]
		if math.IsNaN(q) {
			if math.IsNaN(d.Prediction.Difficulty) {
				q = r.strength[i]
			} else {
				q = sigmoid(r.strengthZ[i] - dz) // QualityForDifficulty
			}
		}
		// Field by field (the candidates are zero): a composite literal
		// was built on the stack and copied with loads wider than its
		// stores, which stalled them; so for rt below.
		c := &d.Candidates[i]
		c.Model, c.Index, c.Quality, c.Cost, c.Latency = m.Name, i, q, m.Cost(f.Tokens, out), m.TypicalLatency
	}
	rt := &s.routing
	*rt = Routing{}
	rt.Features, rt.Prediction, rt.Hints, rt.Models = f, &d.Prediction, req.Hints, r.models
	rt.Candidates, rt.Plan, rt.Now, rt.DecisionID = d.Candidates, d.Plan, d.Time, d.ID
	if err := applyPolicy(policy, rt); err != nil {
		return nil, nil, nil, fmt.Errorf("llmrouter: policy: %w", err)
	}
	if len(rt.Plan) == 0 && rt.Remaining() > 0 {
		rankByQuality(rt)
	}
	var planned uint64 // the models planned so far, when the router has at most 64
	for i, s := range rt.Plan {
		if s.Index < 0 || s.Index >= n || r.models[s.Index].Name != s.Model {
			return nil, nil, nil, errPlannedMismatch(r.models, s)
		}
		if why := d.Candidates[s.Index].Removed; why != "" {
			return nil, nil, nil, errPlannedRemoved(s.Model, why)
		}
		if n <= 64 && planned&(1<<s.Index) == 0 {
			planned |= 1 << s.Index
		} else if err := errPlannedTwice(rt.Plan, i); err != nil {
			return nil, nil, nil, err
		}
	}
	if len(rt.Plan) == 0 {
		return nil, nil, nil, &NoCandidateError{Candidates: slices.Clone(d.Candidates)}
	}
	d.Plan = rt.Plan
	d.Model = d.Plan[0].Model
	d.Propensity = rt.Propensity
	d.Features = *f
	d.Features.NGrams = nil
	d.Features.counts = textCounts{}
	return d, first, policy, nil
}

// GenerateContent routes the request and calls the planned models in order
// until one answers. It implements llms.Model.
//
// By default each planned model is tried once, the next on any error;
// WithFallback adds per-error retries with backoff, circuit breakers,
// answer verification with escalation, and hedging (see Fallback). Errors
// are classified into llms.ErrorCodes, so errors.Is(err, llms.ErrRateLimit)
// works; when every attempt fails the error is an *AllFailedError, which
// lists every attempt but matches only the decisive failure (the one that
// stopped the plan, else the last provider failure: a 429 then a 401
// matches llms.ErrAuthentication only). The error matches context.Canceled
// or context.DeadlineExceeded only when the caller's own context ended
// (it then wraps ctx.Err()); the router's own cancellations of hedges and
// attempt timeouts never make it so. Retries honour a Retry-After header
// only when the provider's HTTP client uses RetryAfterTransport
// (langchaingo's clients drop headers otherwise).
//
// The caller's options are forwarded untouched except the model name, which
// is set per target from its card (ModelCard.APIModel), nil options, which
// are dropped, and, under Hints.MaxCost when the caller set no MaxTokens,
// an output-token limit on each attempt (see Hints.UncappedOutput).
// Streaming works as
// the caller asked: chunks reach the caller's StreamingFunc and
// StreamingReasoningFunc (either or both) from one attempt only; once one
// has, the router does not fall back to another model (unless streams are
// buffered: Fallback.BufferStreams, Hints.BufferStream). The caller's
// cancellation stops at once, with no further attempt. Each returned choice carries the
// decision in its GenerationInfo (DecisionFrom, InfoDecisionID, InfoModel,
// InfoCostUSD). Every decision goes to the sinks, failed ones included.
func (r *Router) GenerateContent(ctx context.Context, messages []llms.MessageContent, options ...llms.CallOption) (*llms.ContentResponse, error) {
	// The exec stays on this stack (see exec).
	var xs exec
	resp, err := r.generateUnannotated(ctx, &xs, messages, options)
	if err != nil {
		return nil, err
	}
	return xs.annotate(resp), nil
}

// generateUnannotated is GenerateContent up to the annotation of the
// answer: it routes, runs the plan in x and records the decision,
// returning the provider's response as it came. Route applies the options
// once, into x.
func (r *Router) generateUnannotated(ctx context.Context, x *exec, messages []llms.MessageContent, options []llms.CallOption) (*llms.ContentResponse, error) {
	options = withoutNil(options) // providers may call every option
	x.r, x.fb = r, r.fb
	d, first, policy, err := r.route(ctx, messages, options, true, &x.caller)
	if err != nil {
		return nil, err
	}
	var done []func(*Decision)
	ss := r.starters
	if r.pair != nil {
		ss = starters(policy, nil) // the request's version, not the pair's current one
	}
	if len(ss) > 0 {
		if done, err = r.startCall(ctx, d, ss); err != nil {
			d.Latency = r.since(d.Time)
			r.recordDecision(ctx, d)
			return nil, err
		}
	}
	x.begin(ctx, d, messages, options)
	x.applied = true
	d.Attempts = first // empty; the room for the first attempt (x.run)
	resp, err := x.run()
	if d.Latency = x.latency; d.Latency <= 0 {
		d.Latency = r.since(d.Time)
	}
	d.Err = err
	finishCall(done, d)
	r.recordDecision(ctx, d)
	return resp, err
}

// Call generates from a single text prompt, as GenerateContent does (ctx's
// cancellation stops the plan likewise). It implements llms.Model.
func (r *Router) Call(ctx context.Context, prompt string, options ...llms.CallOption) (string, error) {
	return llms.GenerateFromSinglePrompt(ctx, r, prompt, options...)
}

var errNilResponse = errors.New("provider returned a nil response")
