package budget

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/llmrouter/llmrouter/internal/nilcheck"

	"github.com/llmrouter/llmrouter"
)

// Scope says whose spend a limit counts.
type Scope uint8

const (
	// PerUser counts each user's spend (Hints.User) apart. Requests that
	// name no user share one bucket, so leaving the user out never
	// escapes the limit.
	PerUser Scope = iota + 1
	// PerTag counts the spend of requests carrying Limit.Tag in Hints.Tags
	// (a feature: "search", "summaries"); other requests are not counted.
	PerTag
	// Global counts every request's spend.
	Global
)

// Limit is one spend limit.
type Limit struct {
	Scope Scope
	// Tag is the Hints.Tags value a PerTag limit counts; required then,
	// unused otherwise.
	Tag string
	// Tier, when set, applies the limit only to requests of that tier
	// (Hints.Tier, or Config.DefaultTier when the request names none):
	// free users $0.01 a day, paying users $2. Limits of different tiers
	// on the same scope and window share one running total, so a user who
	// upgrades keeps what they spent; where a tier's limit and one without
	// a tier on the same total both apply, the smaller holds. Two limits
	// on the same scope, tag (PerTag), tier and window are one limit
	// given twice, which New refuses.
	Tier string
	// USD is what may be spent in the window; 0 lets only free models run.
	USD float64
	// Window is the time the limit holds over.
	Window Window
}

// DefaultTTL is how long a reservation lasts when Config.TTL is 0: a
// request that never finishes (its process died) frees its hold then.
const DefaultTTL = 10 * time.Minute

// Config configures a Budget.
type Config struct {
	// Limits are the spend limits; a request counts against every one that
	// applies to it and may start only if all have room.
	Limits []Limit
	// Store keeps the totals. Default: NewMemoryStore(), one process's.
	Store Store
	// DefaultTier is the tier of requests that name none, for
	// Limit.Tier. Default "": such requests match only limits without a
	// tier.
	DefaultTier string
	// TTL is how long a reservation lasts if its request never finishes.
	// It must exceed the longest call. Default DefaultTTL.
	TTL time.Duration
	// MaxPerRequest caps what one request reserves, in USD. Default 0:
	// the chosen model's cost at its output ceiling (see Budget).
	MaxPerRequest float64
	// OnError receives the store's errors when charging a finished call
	// (the call's answer is returned regardless). Default: dropped.
	OnError func(error)
}

// RemovedPrefix starts the reason a Budget gives for each model it takes
// out of a request (Candidate.Removed), so sinks can count them.
const RemovedPrefix = "over budget: "

// ErrExceeded is matched by the error of a request whose budget cannot
// pay for any model it could use; the error is an *ExceededError.
var ErrExceeded = errors.New("budget: spend limit reached")

// ExceededError says which budget stopped a request and when it frees up.
// It matches ErrExceeded and llmrouter.ErrNoCandidate.
type ExceededError struct {
	// Budget is the bucket key: "user=alice/day", "tag=search/rolling-hour",
	// "global/month". The error's text, and the reasons the Budget gives
	// for removing models, show a per-user key without the user id
	// ("user=*/day"), so that a router built WithUserRedaction records no
	// user in its decisions.
	Budget string
	// Limit, Spent and Held (by calls in flight) describe the budget in
	// USD; Need is the least the request could cost.
	Limit, Spent, Held, Need float64
	// Resets is when enough spend has left the window for the request to
	// fit; zero when calls in flight hold the room (retry when they end)
	// or when Need exceeds Limit (no wait helps; the text says so).
	Resets time.Time
}

func (e *ExceededError) Error() string {
	when := "it frees up when calls in flight finish"
	switch {
	case e.Need > e.Limit: // no wait helps: holds and spend ending leave at most Limit
		when = "it needs more than the whole limit, so it never fits: raise the limit or let the request use a cheaper model"
	case !e.Resets.IsZero():
		when = "it frees up at " + e.Resets.UTC().Format(time.RFC3339)
	}
	return fmt.Sprintf("%s: %s has $%.6f left of $%.6f (spent $%.6f, held $%.6f by calls in flight), the request needs $%.6f; %s",
		ErrExceeded.Error(), shownKey(e.Budget), max(0, e.Limit-e.Spent-e.Held), e.Limit, e.Spent, e.Held, e.Need, when)
}

// shownKey is key as texts show it: a per-user key without the user id
// ("user=*/day"), which decisions may not record (WithUserRedaction).
// The window, after the last '/', never holds one.
func shownKey(key string) string {
	if rest, ok := strings.CutPrefix(key, "user="); ok {
		if i := strings.LastIndexByte(rest, '/'); i >= 0 {
			return "user=*" + rest[i:]
		}
	}
	return key
}

// Is reports whether target is ErrExceeded or llmrouter.ErrNoCandidate.
func (e *ExceededError) Is(target error) bool {
	return target == ErrExceeded || target == llmrouter.ErrNoCandidate
}

// Budget enforces spend limits across requests. It is an llmrouter.Policy:
// put it among the filters of the router's policy, after any that remove
// models for other reasons, as DefaultPolicy(tiers, budget, rule).
//
// In Route (and so before every call) it reads what the request's budgets
// have left and removes each model whose estimated cost (Candidate.Cost)
// exceeds it, naming the budget and when it frees up; the selection rule
// then picks among the models that fit, so the request degrades to a
// cheaper model rather than failing. When none fits, Route fails with an
// *ExceededError (wrapped), which GenerateContent returns.
//
// GenerateContent then reserves atomically (Store.Reserve): at least the
// cheapest planned model's estimate, at most the chosen model's cost at
// its output ceiling (the caller's MaxTokens, else the card's
// MaxOutputTokens or llmrouter.DefaultOutputCapTokens; at most
// MaxPerRequest, Hints.MaxCost and the cap an earlier StartCall hook set,
// such as another Budget's grant). The reservation becomes the request's
// Hints.MaxCost unless that is lower (a cap is only ever lowered, so two
// budgets in one chain hold the call to the smaller grant), so the router
// holds every attempt to it, limiting output
// tokens where needed; a model it cannot pay for is skipped. After the
// call the decision's Cost is charged and the rest released; a request
// that never finishes frees its hold after TTL. If another request took
// the room in between, the reservation fails with an *ExceededError.
//
// Spend can exceed a limit only where a call costs more than its
// reservation: a provider that ignores the output limit or bills more
// input tokens than the router estimated, or Hints.UncappedOutput, under
// which a request reserves only its estimate. Reservations are keyed by
// the decision ID, which must be unique (the default IDs are).
//
// Times are the router's (Routing.Now, Decision.Time): inject a clock
// with llmrouter.WithClock. Safe for concurrent use; Apply reads the
// store, so unlike the built-in policies it is not pure. Build it with
// New; the zero value has no limits (it removes no model and reserves
// nothing), as New(Config{}) returns.
type Budget struct {
	limits      []limit
	store       Store
	defaultTier string
	ttl         time.Duration
	maxPer      Nanos
	onError     func(error)
	cards       atomic.Pointer[map[string]llmrouter.ModelCard]
}

type limit struct {
	Limit
	nanos Nanos
	key   string // the whole key for tag and global limits; the suffix for users
}

var _ llmrouter.Policy = (*Budget)(nil)

// New returns a Budget enforcing cfg. It fails, naming the limit, on an
// unknown scope or window, a PerTag limit without a tag, a negative or
// non-finite amount, a limit given twice (naming both: the same scope,
// tag for PerTag, tier and window), a negative TTL or MaxPerRequest, or a Store that is
// a nil pointer or whose Validate method (if it has one: a redisstore.Store
// does) fails, as a zero value's does.
func New(cfg Config) (*Budget, error) {
	b := &Budget{store: cfg.Store, defaultTier: cfg.DefaultTier, ttl: cfg.TTL, onError: cfg.OnError}
	if b.store == nil {
		b.store = NewMemoryStore()
	} else if nilcheck.PointerOrFunc(b.store) {
		return nil, fmt.Errorf("budget: Config.Store is a nil %T (did its constructor fail?)", b.store)
	} else if err := nilcheck.Unusable(b.store); err != nil {
		return nil, fmt.Errorf("budget: Config.Store: %w", err)
	}
	switch {
	case cfg.TTL < 0:
		return nil, fmt.Errorf("budget: negative TTL %s", cfg.TTL)
	case cfg.TTL == 0:
		b.ttl = DefaultTTL
	}
	if !(cfg.MaxPerRequest >= 0) || math.IsInf(cfg.MaxPerRequest, 1) {
		return nil, fmt.Errorf("budget: MaxPerRequest %v must be a finite, non-negative number", cfg.MaxPerRequest)
	}
	b.maxPer = FromUSD(cfg.MaxPerRequest)
	for i, l := range cfg.Limits {
		if err := l.Window.check(); err != nil {
			return nil, fmt.Errorf("budget: limit %d: %w", i, err)
		}
		if !(l.USD >= 0) || math.IsInf(l.USD, 1) {
			return nil, fmt.Errorf("budget: limit %d: USD %v must be a finite, non-negative number", i, l.USD)
		}
		x := limit{Limit: l, nanos: FromUSD(l.USD)}
		switch l.Scope {
		case PerUser:
			x.key = "/" + l.Window.String()
		case PerTag:
			if l.Tag == "" {
				return nil, fmt.Errorf("budget: limit %d: a PerTag limit needs a Tag", i)
			}
			x.key = "tag=" + l.Tag + "/" + l.Window.String()
		case Global:
			x.key = "global/" + l.Window.String()
		default:
			return nil, fmt.Errorf("budget: limit %d: unknown scope %d (use budget.PerUser, PerTag or Global)", i, l.Scope)
		}
		for j, y := range b.limits {
			if y.key == x.key && y.Tier == x.Tier {
				return nil, fmt.Errorf("budget: limits %d and %d are one limit (%s; $%v and $%v): give it once", j, i, x.describe(), y.USD, x.USD)
			}
		}
		b.limits = append(b.limits, x)
	}
	return b, nil
}

// describe names what l counts: scope, tier and window.
func (l *limit) describe() string {
	scope := "global"
	switch l.Scope {
	case PerUser:
		scope = "per user"
	case PerTag:
		scope = fmt.Sprintf("tag %q", l.Tag)
	}
	tier := "no tier"
	if l.Tier != "" {
		tier = fmt.Sprintf("tier %q", l.Tier)
	}
	return scope + ", " + tier + ", " + l.Window.String()
}

// Validate keeps the router's model cards, which the reservation's output
// ceiling needs; llmrouter.New calls it (through Chain and DefaultPolicy).
func (b *Budget) Validate(models []llmrouter.ModelCard) error {
	for {
		old := b.cards.Load()
		m := make(map[string]llmrouter.ModelCard, len(models))
		if old != nil {
			for k, v := range *old {
				m[k] = v
			}
		}
		for _, c := range models {
			m[c.Name] = c
		}
		if b.cards.CompareAndSwap(old, &m) {
			return nil
		}
	}
}

// buckets appends to dst the buckets h counts against, one per key (the
// smallest limit when several share one).
func (b *Budget) buckets(h llmrouter.Hints, dst []Bucket) []Bucket {
	tier := h.Tier
	if tier == "" {
		tier = b.defaultTier
	}
	for i := range b.limits {
		l := &b.limits[i]
		if l.Tier != "" && l.Tier != tier {
			continue
		}
		key := l.key
		switch l.Scope {
		case PerUser:
			key = "user=" + h.User + l.key
		case PerTag:
			if !slices.Contains(h.Tags, l.Tag) {
				continue
			}
		}
		if j := slices.IndexFunc(dst, func(x Bucket) bool { return x.Key == key }); j >= 0 {
			dst[j].Limit = min(dst[j].Limit, l.nanos)
			continue
		}
		dst = append(dst, Bucket{Key: key, Limit: l.nanos, Window: l.Window})
	}
	return dst
}

var bucketPool = sync.Pool{New: func() any { s := make([]Bucket, 0, 8); return &s }}

// Apply implements llmrouter.Policy: it removes the models whose
// estimated cost exceeds what the request's budgets have left.
func (b *Budget) Apply(r *llmrouter.Routing) error {
	sp := bucketPool.Get().(*[]Bucket) // passed to an interface, a local slice would escape
	*sp = b.buckets(r.Hints, (*sp)[:0])
	err := b.apply(r, *sp)
	clear(*sp)
	bucketPool.Put(sp)
	return err
}

func (b *Budget) apply(r *llmrouter.Routing, bs []Bucket) error {
	if len(bs) == 0 {
		return nil
	}
	lo, hi := Nanos(-1), Nanos(-1) // the cheapest and dearest estimates left
	for i := range r.Candidates {
		if c := &r.Candidates[i]; c.Removed == "" {
			e := ceilUSD(c.Cost)
			if lo < 0 || e < lo {
				lo = e
			}
			hi = max(hi, e)
		}
	}
	if lo < 0 {
		return nil // nothing left to filter
	}
	ctx := context.Background()
	st, err := b.store.Remaining(ctx, bs, hi, r.Now) // Resets: when the dearest fits
	if err != nil {
		return fmt.Errorf("budget: %w", err)
	}
	reason := ""
	for i := range r.Candidates {
		if c := &r.Candidates[i]; c.Removed == "" && ceilUSD(c.Cost) > st.Remaining {
			if reason == "" {
				reason = RemovedPrefix + exceeded(bs, st, 0).short()
			}
			r.Remove(i, reason)
		}
	}
	if reason != "" && r.Remaining() == 0 {
		if st, err = b.store.Remaining(ctx, bs, lo, r.Now); err != nil { // when the cheapest fits
			return fmt.Errorf("budget: %w", err)
		}
		return exceeded(bs, st, lo)
	}
	return nil
}

func exceeded(bs []Bucket, st Status, need Nanos) *ExceededError {
	return &ExceededError{Budget: bs[st.Bucket].Key, Limit: st.Limit.USD(), Spent: st.Spent.USD(), Held: st.Held.USD(),
		Need: need.USD(), Resets: st.Resets}
}

// short is the removal reason: which budget, what is left, when it frees up.
func (e *ExceededError) short() string {
	s := fmt.Sprintf("%s has $%.6f left of $%.6f", shownKey(e.Budget), max(0, e.Limit-e.Spent-e.Held), e.Limit)
	if e.Held > 0 {
		s += fmt.Sprintf(" ($%.6f held by calls in flight)", e.Held)
	}
	if !e.Resets.IsZero() {
		s += ", resets " + e.Resets.UTC().Format(time.RFC3339)
	}
	return s
}

// zeroGrant is the cost cap of a request granted nothing: positive, so
// that the router holds the call to it and only free models run.
const zeroGrant = 1e-12

// StartCall reserves the request's spend before GenerateContent calls a
// model and returns the function that charges the finished call (see
// Budget). It fails with an *ExceededError when the budgets no longer
// have room for the cheapest planned model, and with the store's error,
// wrapped, when the store fails.
func (b *Budget) StartCall(ctx context.Context, d *llmrouter.Decision, h llmrouter.Hints) (func(*llmrouter.Decision), error) {
	bs := b.buckets(h, nil)
	if len(bs) == 0 || len(d.Plan) == 0 {
		return nil, nil
	}
	lo := Nanos(-1)
	for _, s := range d.Plan {
		if c := ceilUSD(d.Candidates[s.Index].Cost); lo < 0 || c < lo {
			lo = c
		}
	}
	hi := b.ceiling(d, h)
	if h.MaxCost > 0 {
		hi = min(hi, FromUSD(h.MaxCost))
	}
	held := d.Hints.MaxCost // the caller's cap, or an earlier hook's grant (another Budget's)
	if held > 0 {
		hi = min(hi, ceilUSD(held))
	}
	if b.maxPer > 0 {
		hi = min(hi, b.maxPer)
	}
	hi = max(hi, lo)
	id := d.ID
	got, refused, err := b.store.Reserve(ctx, Reservation{ID: id, Buckets: bs, Min: lo, Max: hi, Now: d.Time, Expires: d.Time.Add(b.ttl)})
	if err != nil {
		return nil, fmt.Errorf("budget: reserve: %w", err)
	}
	if refused != nil {
		return nil, exceeded(bs, *refused, lo)
	}
	grant := max(got.USD(), zeroGrant)
	if held > 0 {
		grant = min(grant, held) // never raise a cap another hook set
	}
	d.Hints.MaxCost = grant
	return func(d *llmrouter.Decision) {
		cctx := context.WithoutCancel(ctx) // charge even when the caller gave up
		var err error
		if cost := FromUSD(d.Cost); cost > 0 {
			err = b.store.Commit(cctx, id, bs, cost, d.Time.Add(d.Latency))
		} else {
			err = b.store.Refund(cctx, id, bs)
		}
		if err != nil && b.onError != nil {
			b.onError(fmt.Errorf("budget: charging decision %s: %w", id, err))
		}
	}, nil
}

// ceiling is the cost of the plan's first model at its output ceiling, or
// its estimate when the card is unknown or the output uncapped.
func (b *Budget) ceiling(d *llmrouter.Decision, h llmrouter.Hints) Nanos {
	first := d.Plan[0]
	est := ceilUSD(d.Candidates[first.Index].Cost)
	cards := b.cards.Load()
	if cards == nil || h.UncappedOutput || d.Features.MaxTokens > 0 {
		return est // the caller's MaxTokens is already in the estimate
	}
	card, ok := (*cards)[first.Model]
	if !ok {
		return est
	}
	out := card.MaxOutputTokens
	if out <= 0 {
		out = llmrouter.DefaultOutputCapTokens
	}
	return max(est, ceilUSD(card.Cost(d.Features.Tokens, out)))
}
