package llmrouter

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/llmrouter/llmrouter/breaker"
	"github.com/tmc/langchaingo/llms"
)

// Action says what plan execution does after an attempt failed with a
// given error code. The caller's own cancellation always stops at once,
// whatever the action.
//
// The built-in action per code, the one Fallback.Actions overrides:
//
//   - rate limit, provider unavailable (5xx, overloaded), timeout: retry
//     with backoff, then the next model;
//   - token limit (context length): the next model with a larger window;
//   - authentication, invalid request, canceled: stop (another model would
//     fail the same way, or the caller gave up);
//   - quota, content filter, resource not found, not implemented, unknown:
//     the next model.
type Action uint8

const (
	// ActionDefault takes the built-in action for the code (see Action).
	ActionDefault Action = iota
	// ActionRetry retries the same model after a backoff (honouring any
	// Retry-After hint), up to Fallback.MaxRetries times, then moves to the
	// next model.
	ActionRetry
	// ActionNext moves to the next model of the plan.
	ActionNext
	// ActionNextLarger moves to the next model of the plan whose context
	// window is larger than the failed model's, skipping smaller ones (a
	// window of 0, unknown, is never skipped).
	ActionNextLarger
	// ActionStop stops and returns the error.
	ActionStop
)

// String returns "default", "retry", "next", "next-larger" or "stop".
func (a Action) String() string {
	switch a {
	case ActionDefault:
		return "default"
	case ActionRetry:
		return "retry"
	case ActionNext:
		return "next"
	case ActionNextLarger:
		return "next-larger"
	case ActionStop:
		return "stop"
	}
	return "unknown"
}

// defaultAction is the built-in action per error code (the table in
// Action's doc).
func defaultAction(code llms.ErrorCode) Action {
	switch code {
	case llms.ErrCodeRateLimit, llms.ErrCodeProviderUnavailable, llms.ErrCodeTimeout:
		return ActionRetry
	case llms.ErrCodeTokenLimit:
		return ActionNextLarger
	case llms.ErrCodeAuthentication, llms.ErrCodeInvalidRequest, llms.ErrCodeCanceled:
		return ActionStop
	}
	return ActionNext
}

// Fallback configures how the router executes a plan: what each error code
// leads to, retries and backoff, per-attempt timeouts, per-model circuit
// breakers, answer verification with escalation, hedging and buffered
// streaming. Pass it to New with WithFallback.
//
// The zero value is ready to use and gives the defaults users expect:
// the built-in Action per code, up to 2 retries per model with full-jitter
// backoff from 250ms to 10s that honours Retry-After and the request's
// deadline, no per-attempt timeout, a circuit breaker per model with
// breaker.Settings' defaults, fail fast when every model is cooling down, no
// verifier, no hedging, unbuffered streaming.
//
// Retry-After: langchaingo's clients drop response headers, so the router
// sees only a delay written in the error's text (OpenAI's "Please try again
// in 3s", see ErrorCodeOf) unless the client's HTTP client uses
// RetryAfterTransport, which hands each failed attempt its response's
// Retry-After (seconds or HTTP-date) or retry-after-ms header.
//
// A Fallback is read once by New; changing it later has no effect.
type Fallback struct {
	// Actions overrides the built-in Action for the codes it lists (an
	// ActionDefault entry keeps the default; a value that is none of the
	// Action constants fails New). For example
	// {llms.ErrCodeContentFilter: ActionStop} stops on a content filter.
	Actions map[llms.ErrorCode]Action

	// MaxRetries is how many times one model is retried (ActionRetry)
	// before moving on. Zero means 2; negative means no retries.
	MaxRetries int
	// Backoff sets the delays between retries of one model. Zero: 250ms
	// base, 10s max, doubling, full jitter (see Backoff). Note that
	// MaxRetryWait defaults to Backoff.Max: a short Backoff also makes the
	// router give up waiting for a longer Retry-After and move on.
	Backoff Backoff
	// MaxRetryWait is the longest a retry waits; when the backoff or the
	// provider's Retry-After asks for more, the router moves to the next
	// model instead. (One request's hint does not cool the model down for
	// other requests; the breaker honours the hint when it trips.) Zero
	// means the Backoff's Max (10s by default); negative fails New.
	MaxRetryWait time.Duration
	// AttemptTimeout bounds each attempt; an attempt that takes longer is
	// cancelled and fails with llms.ErrCodeTimeout (then retried or moved
	// on like any timeout), even when the provider returns the text it had
	// so far with no error, as langchaingo's clients do for a stream cut
	// short by its context. Zero means no limit besides the caller's
	// deadline; negative fails New.
	AttemptTimeout time.Duration

	// Breaker configures the per-model circuit breakers consulted before
	// each attempt. Zero: breaker.Settings' defaults (open after 5
	// consecutive failures or a 50% failure rate over at least 20 calls in a
	// minute; cool down 30s, or longer for a Retry-After hint up to 5
	// minutes; a failed probe re-opens for 30s again, so a recovered model
	// takes traffic within one cooldown; breaker.Settings.CooldownGrowth
	// makes the period grow instead). The caller's cancellations, invalid
	// requests, token limits and content filters do not count
	// (breaker.IsFailure). New fails when breaker.Settings.Validate does.
	Breaker breaker.Settings
	// Breakers, if set, is the registry to use instead of a new one with
	// Breaker's settings: routers sharing it share the models' health.
	Breakers *breaker.Registry
	// NoBreaker turns the circuit breakers off.
	NoBreaker bool
	// WaitForCooldown makes a request whose every model is cooling down
	// wait until the first comes back, if the request's deadline allows,
	// and then run the plan once more. By default (false) such a request
	// fails at once with a *CoolingDownError (ErrAllCoolingDown) saying
	// when the first model comes back. Hedged execution always fails fast.
	WaitForCooldown bool

	// Verifier judges each answer; a rejected answer escalates to the next
	// stronger model of the plan (see Verifier). Nil accepts every answer.
	Verifier Verifier
	// AllowEmptyAnswers accepts answers with nothing in them. By default an
	// answer none of whose choices has any text other than white space, a
	// tool call or a function call is a failed attempt: what a provider
	// returns for a body that was not an answer (a 200 that is not an event
	// stream, say). Reasoning text alone (ReasoningContent, no Content) is
	// no answer either: a reasoning model that spent its output limit
	// thinking. It fails with llms.ErrCodeProviderUnavailable and
	// matches ErrEmptyResponse, so it is retried, moved on from and counted
	// by the breaker like a 5xx. This check runs before the Verifier; with
	// AllowEmptyAnswers set, RejectEmpty (a verifier, reading the first
	// choice) can still reject such answers, escalating to a stronger model
	// rather than retrying. Set AllowEmptyAnswers when an empty completion
	// can be a legitimate answer for your requests.
	AllowEmptyAnswers bool

	// Hedge turns on hedged requests (see Hedge). The zero value is off.
	Hedge Hedge

	// BufferStreams buffers each attempt's streamed chunks and hands the
	// caller only those of the attempt whose answer is returned, so
	// fallback, retries and escalation keep working for streaming calls at
	// the price of the caller seeing the text only at the end. Per request,
	// Hints.BufferStream does the same. Default: unbuffered, chunks reach
	// the caller as they arrive and there is no fallback once one has.
	// Either way, a chunk an attempt sends after its call returned, or
	// after the router ended the plan on another attempt's outcome, gets
	// an error and never reaches the caller.
	BufferStreams bool

	// Clock is what backoff, cooldowns, hedge delays and attempt timeouts
	// wait on and what breakers read. Nil means the router's clock
	// (WithClock; the system clock by default). Inject a fake clock
	// (routertest.Clock) to test without sleeping.
	Clock Clock
	// Rand returns the jitter in [0,1); nil means math/rand/v2's Float64.
	// It must be safe for concurrent use.
	Rand func() float64
}

// Hedge configures hedged requests: when the running attempt has not
// answered within a delay, the next model of the plan is started beside it;
// the first acceptable answer wins and the others are cancelled. Hedging
// trades extra cost for tail latency. The zero value is off.
//
// While hedging, a failed attempt moves on to the next model at once
// (rather than retrying the same model), and streamed chunks reach the
// caller only from the attempt that sends the first chunk: the others are
// then cancelled (or, with buffered streaming, only the returned answer's
// chunks are flushed).
type Hedge struct {
	// Delay is how long an attempt runs alone before the next starts.
	// With P95, it is the delay used until a model has MinSamples observed
	// latencies. Zero with P95 unset means no hedging; negative fails New.
	Delay time.Duration
	// P95 uses each model's observed 95th-percentile latency (over its last
	// 128 successful attempts) as its delay; before MinSamples are seen it
	// uses Delay, or else the card's TypicalLatency; with none of these the
	// model is not hedged.
	P95 bool
	// MinSamples is how many latencies a model needs before its p95 is
	// used. Zero means 20; negative fails New.
	MinSamples int
	// MaxExtra is how many hedges may run beside the first attempt. Zero
	// means 1; negative fails New.
	MaxExtra int
}

func (h Hedge) enabled() bool { return h.Delay > 0 || h.P95 }

// check reports the first field of f that New rejects, naming it: a
// negative duration or count whose zero value means a default (a negative
// MaxRetries is documented: no retries), or an Action that is none of the
// constants. Backoff's fields are documented to take their defaults when
// negative.
func (f *Fallback) check() error {
	for _, d := range [...]struct {
		field, zero string
		v           time.Duration
	}{{"AttemptTimeout", "no limit", f.AttemptTimeout}, {"MaxRetryWait", "Backoff.Max", f.MaxRetryWait},
		{"Hedge.Delay", "no hedging unless P95", f.Hedge.Delay}} {
		if d.v < 0 {
			return fmt.Errorf("llmrouter: Fallback.%s %s: want >= 0 (0: %s)", d.field, d.v, d.zero)
		}
	}
	for _, n := range [...]struct {
		field, zero string
		v           int
	}{{"Hedge.MinSamples", "20", f.Hedge.MinSamples}, {"Hedge.MaxExtra", "1", f.Hedge.MaxExtra}} {
		if n.v < 0 {
			return fmt.Errorf("llmrouter: Fallback.%s %d: want >= 0 (0: %s)", n.field, n.v, n.zero)
		}
	}
	for _, code := range slices.Sorted(maps.Keys(f.Actions)) {
		if a := f.Actions[code]; a > ActionStop {
			return fmt.Errorf("llmrouter: Fallback.Actions[%s]: unknown action %d", code, a)
		}
	}
	return nil
}

// WithFallback turns on resilient plan execution configured by f (its zero
// value gives the defaults; see Fallback). Without it the router runs the
// plain plan: each model once, in order, the next on any error except the
// caller's cancellation, no breakers, no verification; errors are still
// classified.
func WithFallback(f Fallback) Option {
	return func(c *config) { c.fallback = &f }
}

// WithErrorClassifier sets how provider errors are classified into
// llms.ErrorCodes, which pick the action after a failure and are recorded in
// Attempt.Code (and so whether an error counts against a model's breaker,
// see breaker.IsFailure). classify must return "" only for a nil error;
// it can call ErrorCodeOf for the errors it does not recognize. Default,
// and nil: ErrorCodeOf, except that an error it classes canceled (a
// gateway's 499 "client closed request") while neither the caller nor the
// router cancelled anything is recorded as provider_unavailable: the
// provider's side gave up, and the plan goes on (a classifier given here
// is taken at its word). It must be safe for concurrent use and should not
// panic; a panic in it is recovered as that attempt's ErrPanic.
func WithErrorClassifier(classify func(err error) llms.ErrorCode) Option {
	return func(c *config) { c.errClassifier = classify }
}

func bufferRequested(ctx context.Context) bool {
	return hintsFromContext(ctx).BufferStream
}

// Breakers returns the router's circuit-breaker registry, or nil when the
// router runs without breakers (no WithFallback, or Fallback.NoBreaker):
// a nil registry's methods work, as no breakers (every model allowed).
func (r *Router) Breakers() *breaker.Registry {
	if r.fb == nil { // the zero Router
		return nil
	}
	return r.fb.registry
}

// resilience is a Fallback resolved for one router.
type resilience struct {
	plain          bool // no WithFallback: each model once, next on any error
	actions        map[llms.ErrorCode]Action
	maxRetries     int
	backoff        Backoff
	maxWait        time.Duration
	attemptTimeout time.Duration
	registry       *breaker.Registry
	breakers       []*breaker.Breaker // per model index; nil when off
	waitCooldown   bool
	verifier       Verifier
	allowEmpty     bool
	hedge          Hedge
	latency        []*latencyRing // per model index, when hedging by p95
	buffer         bool
	clock          Clock
	sysClock       bool
	sysBoth        bool // clock and the router's are both the system clock (exec.now)
	rnd            func() float64

	// Per model index, made once: llms.WithModel(card.APIModel), and the
	// model's name as an any for GenerationInfo; neither allocates per call.
	modelOpts  []llms.CallOption
	modelNames []any
}

func newResilience(f *Fallback, models []ModelCard, routerClock Clock) *resilience {
	x := newResilienceFor(f, models, routerClock)
	_, routerSys := routerClock.(systemClock)
	x.sysBoth = x.sysClock && routerSys
	for _, m := range models {
		x.modelOpts = append(x.modelOpts, llms.WithModel(m.APIModel))
		x.modelNames = append(x.modelNames, m.Name)
	}
	return x
}

func newResilienceFor(f *Fallback, models []ModelCard, routerClock Clock) *resilience {
	if f == nil {
		_, sys := routerClock.(systemClock)
		return &resilience{plain: true, maxRetries: 0, clock: routerClock, sysClock: sys, rnd: rand.Float64}
	}
	x := &resilience{
		maxRetries:     f.MaxRetries,
		backoff:        f.Backoff.normalized(),
		maxWait:        f.MaxRetryWait,
		attemptTimeout: f.AttemptTimeout,
		waitCooldown:   f.WaitForCooldown,
		verifier:       f.Verifier,
		allowEmpty:     f.AllowEmptyAnswers,
		hedge:          f.Hedge,
		buffer:         f.BufferStreams,
		clock:          f.Clock,
		rnd:            f.Rand,
	}
	if len(f.Actions) > 0 {
		x.actions = make(map[llms.ErrorCode]Action, len(f.Actions))
		for k, v := range f.Actions {
			if v != ActionDefault {
				x.actions[k] = v
			}
		}
	}
	switch {
	case x.maxRetries == 0:
		x.maxRetries = 2
	case x.maxRetries < 0:
		x.maxRetries = 0
	}
	if x.maxWait <= 0 {
		x.maxWait = x.backoff.Max
	}
	if x.attemptTimeout < 0 {
		x.attemptTimeout = 0
	}
	if x.clock == nil {
		x.clock = routerClock
	}
	_, x.sysClock = x.clock.(systemClock)
	if x.rnd == nil {
		x.rnd = rand.Float64
	}
	if !f.NoBreaker {
		x.registry = f.Breakers
		if x.registry == nil {
			x.registry = breaker.NewRegistry(f.Breaker)
		}
		x.breakers = make([]*breaker.Breaker, len(models))
		for i, m := range models {
			x.breakers[i] = x.registry.Breaker(m.Name)
		}
	}
	if x.hedge.MinSamples <= 0 {
		x.hedge.MinSamples = 20
	}
	if x.hedge.MaxExtra <= 0 {
		x.hedge.MaxExtra = 1
	}
	if x.hedge.Delay < 0 {
		x.hedge.Delay = 0
	}
	if x.hedge.P95 {
		x.latency = make([]*latencyRing, len(models))
		for i := range x.latency {
			x.latency[i] = new(latencyRing)
		}
	}
	return x
}

// action returns what to do after a failure with code.
func (x *resilience) action(code llms.ErrorCode) Action {
	if x.plain {
		return ActionNext // the caller's own cancellation is handled before
	}
	if a, ok := x.actions[code]; ok {
		return a
	}
	return defaultAction(code)
}

// latencyRing keeps a model's last latencies, for its p95. Safe for
// concurrent use.
type latencyRing struct {
	mu  sync.Mutex
	buf [128]time.Duration
	n   int // samples held, ≤ len(buf)
	pos int
}

func (l *latencyRing) add(d time.Duration) {
	l.mu.Lock()
	l.buf[l.pos] = d
	l.pos = (l.pos + 1) % len(l.buf)
	if l.n < len(l.buf) {
		l.n++
	}
	l.mu.Unlock()
}

// p95 returns the 95th percentile of the held samples (nearest rank) and
// how many there are.
func (l *latencyRing) p95() (time.Duration, int) {
	var tmp [128]time.Duration
	l.mu.Lock()
	n := l.n
	copy(tmp[:], l.buf[:n])
	l.mu.Unlock()
	if n == 0 {
		return 0, 0
	}
	s := tmp[:n]
	slices.Sort(s)
	rank := (95*n + 99) / 100 // ceil(0.95 n)
	return s[rank-1], n
}

// HedgeDelay returns the delay after which the router would hedge a call to
// model, and false when it would not hedge it (hedging off, unknown model,
// or no delay known yet).
func (r *Router) HedgeDelay(model string) (time.Duration, bool) {
	for i, m := range r.models {
		if m.Name == model {
			d := r.fb.hedgeDelay(i, m)
			return d, d > 0
		}
	}
	return 0, false
}

func (x *resilience) hedgeDelay(i int, card ModelCard) time.Duration {
	if !x.hedge.enabled() {
		return 0
	}
	if x.hedge.P95 {
		if d, n := x.latency[i].p95(); n >= x.hedge.MinSamples && d > 0 {
			return d
		}
		if x.hedge.Delay > 0 {
			return x.hedge.Delay
		}
		return card.TypicalLatency
	}
	return x.hedge.Delay
}
