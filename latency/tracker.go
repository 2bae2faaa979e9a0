package latency

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/llmrouter/llmrouter/internal/nilcheck"

	"github.com/llmrouter/llmrouter"
)

// Defaults of Config's zero fields.
const (
	DefaultAlpha      = 0.2
	DefaultQuantile   = 0.9
	DefaultMinSamples = 20
	DefaultMaxAge     = 15 * time.Minute
	DefaultWindow     = 1000
)

// Config configures a Tracker. The zero value gives the defaults.
type Config struct {
	// Alpha is the EWMA's weight of each new sample, in (0,1]. Default
	// DefaultAlpha.
	Alpha float64
	// Quantile is the quantile the tracker estimates and routes by, in
	// (0,1). Default DefaultQuantile (p90).
	Quantile float64
	// MinSamples is how many samples of a model the tracker needs before
	// its figure replaces the card's TypicalLatency. Default
	// DefaultMinSamples.
	MinSamples int
	// MaxAge is how recent a model's latest sample must be for its figure
	// to count; older, the card's applies again (a model nobody has called
	// for a while may have changed). Default DefaultMaxAge; negative: no
	// limit.
	MaxAge time.Duration
	// Window is how many samples a quantile estimate covers before the
	// tracker starts a fresh one, so the quantile follows a model whose
	// speed changes; the last full window's estimate stands in until the
	// fresh one has MinSamples. Default DefaultWindow; one below
	// MinSamples is raised to it.
	Window int
	// FirstToken routes by time to first token (Attempt.FirstToken, from
	// streamed calls) instead of time to the complete answer: for chat
	// interfaces that stream. Default false.
	FirstToken bool
	// Shared, if set, pools samples with the trackers of other replicas
	// (see Shared; redisstore.Latency on Redis): Record adds every sample
	// to it, and Apply routes by its pooled quantile where that has
	// MinSamples samples, the latest within MaxAge, and by this tracker's
	// own figure otherwise. Stats stays this tracker's own. Default nil:
	// the tracker observes alone.
	Shared Shared
}

// Series summarises one latency of one model.
type Series struct {
	// Samples counts every sample since the tracker started.
	Samples int
	// EWMA is the exponentially weighted moving average.
	EWMA time.Duration
	// Quantile is the Config.Quantile estimate over the recent window.
	Quantile time.Duration
	// Last is when the latest sample ended, by the router's clock.
	Last time.Time
}

// Stats are a model's observed latencies: to the complete answer, and to
// the first streamed text.
type Stats struct {
	Total, FirstToken Series
}

// Tracker observes each model's latency from the router's own attempts and
// routes by it. As an llmrouter.Sink it takes every successful attempt of
// every decision (failed, skipped and cancelled attempts, hedges that lost
// included, are not latencies of an answer); as an llmrouter.Policy,
// applied before DefaultPolicy, it sets each candidate's expected latency
// (Candidate.Latency) to the model's observed Quantile once it has
// MinSamples recent samples, so that the built-in latency filter compares
// Hints.LatencyBudget with what the model has done, not with its card:
//
//	t, _ := latency.New(latency.Config{})
//	r, _ := llmrouter.New(providers, llmrouter.WithSink(t),
//		llmrouter.WithPolicy(llmrouter.Chain(t, llmrouter.DefaultPolicy(latency.FastestAdequate{}))))
//
// Time is the router's (Attempt.Start and Latency, Routing.Now): inject a
// clock with llmrouter.WithClock. Record takes one model's lock; Apply
// takes none. Safe for concurrent use. The zero value is New(Config{})'s
// tracker.
type Tracker struct {
	cfg    Config
	mu     sync.Mutex // serialises adding models
	models atomic.Pointer[map[string]*model]
}

type model struct {
	mu           sync.Mutex
	total, first series
	// What Apply reads, published by Record: the routing figure in ns (0
	// until MinSamples) and when its latest sample ended (Unix ns).
	expected atomic.Int64
	last     atomic.Int64
}

type series struct {
	n         int
	ewma      float64
	cur, prev p2
	last      time.Time
}

var (
	_ llmrouter.Sink   = (*Tracker)(nil)
	_ llmrouter.Policy = (*Tracker)(nil)
)

// New returns a Tracker. It fails, naming the field, on an Alpha outside
// (0,1], a Quantile outside (0,1), a negative MinSamples or Window, or a
// Shared that is a nil pointer or whose Validate method (if it has one: a
// redisstore.Latency does) fails, as a zero value's does.
func New(cfg Config) (*Tracker, error) {
	switch {
	case cfg.Alpha == 0:
		cfg.Alpha = DefaultAlpha
	case !(cfg.Alpha > 0 && cfg.Alpha <= 1):
		return nil, fmt.Errorf("latency: Alpha %v is outside (0,1]", cfg.Alpha)
	}
	switch {
	case cfg.Quantile == 0:
		cfg.Quantile = DefaultQuantile
	case !(cfg.Quantile > 0 && cfg.Quantile < 1):
		return nil, fmt.Errorf("latency: Quantile %v is outside (0,1)", cfg.Quantile)
	}
	switch {
	case cfg.MinSamples < 0:
		return nil, fmt.Errorf("latency: negative MinSamples %d", cfg.MinSamples)
	case cfg.MinSamples == 0:
		cfg.MinSamples = DefaultMinSamples
	}
	switch {
	case cfg.Window < 0:
		return nil, fmt.Errorf("latency: negative Window %d", cfg.Window)
	case cfg.Window == 0:
		cfg.Window = DefaultWindow
	}
	cfg.Window = max(cfg.Window, cfg.MinSamples)
	if cfg.MaxAge == 0 {
		cfg.MaxAge = DefaultMaxAge
	}
	if nilcheck.PointerOrFunc(cfg.Shared) {
		return nil, fmt.Errorf("latency: Config.Shared is a nil %T (did its constructor fail?)", cfg.Shared)
	}
	if err := nilcheck.Unusable(cfg.Shared); err != nil {
		return nil, fmt.Errorf("latency: Config.Shared: %w", err)
	}
	return &Tracker{cfg: cfg}, nil
}

// zeroConfig is the zero Tracker's configuration: New(Config{})'s.
var zeroConfig = func() Config {
	t, err := New(Config{})
	if err != nil {
		panic(err)
	}
	return t.cfg
}()

// conf is the tracker's configuration: New's, or zeroConfig for the zero
// Tracker (New always sets Alpha).
func (t *Tracker) conf() *Config {
	if t.cfg.Alpha == 0 {
		return &zeroConfig
	}
	return &t.cfg
}

func (t *Tracker) model(name string) *model {
	if ms := t.models.Load(); ms != nil {
		if m := (*ms)[name]; m != nil {
			return m
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	old := t.models.Load()
	next := make(map[string]*model)
	if old != nil {
		if m := (*old)[name]; m != nil {
			return m
		}
		for k, v := range *old {
			next[k] = v
		}
	}
	m := &model{total: t.newSeries(), first: t.newSeries()}
	next[name] = m
	t.models.Store(&next)
	return m
}

func (t *Tracker) newSeries() series {
	return series{cur: newP2(t.conf().Quantile), prev: newP2(t.conf().Quantile)}
}

// Record implements llmrouter.Sink: it adds the decision's successful
// attempts' latencies.
func (t *Tracker) Record(d *llmrouter.Decision) {
	if d == nil {
		return
	}
	for i := range d.Attempts {
		a := &d.Attempts[i]
		if a.Err != nil || a.Skipped != "" || a.Latency <= 0 {
			continue
		}
		m := t.model(a.Model)
		end := a.Start.Add(a.Latency)
		t.sharedAdd(a.Model, a.Latency, a.FirstToken, end)
		m.mu.Lock()
		t.add(&m.total, a.Latency, end)
		if a.FirstToken > 0 {
			t.add(&m.first, a.FirstToken, end)
		}
		s := &m.total
		if t.conf().FirstToken {
			s = &m.first
		}
		if s.n >= t.conf().MinSamples {
			m.expected.Store(max(1, int64(t.quantile(s))))
			m.last.Store(s.last.UnixNano())
		}
		m.mu.Unlock()
	}
}

func (t *Tracker) add(s *series, v time.Duration, end time.Time) {
	x := float64(v)
	if s.n == 0 {
		s.ewma = x
	} else {
		s.ewma += t.conf().Alpha * (x - s.ewma)
	}
	s.n++
	if s.cur.n >= t.conf().Window {
		s.prev, s.cur = s.cur, newP2(t.conf().Quantile)
	}
	s.cur.add(x)
	if end.After(s.last) {
		s.last = end
	}
}

func (t *Tracker) quantile(s *series) time.Duration {
	e := &s.cur
	if e.n < t.conf().MinSamples && s.prev.n > 0 {
		e = &s.prev
	}
	return time.Duration(math.Round(e.value()))
}

// Stats returns model's observed latencies (zero for a model never seen).
func (t *Tracker) Stats(name string) Stats {
	ms := t.models.Load()
	if ms == nil || (*ms)[name] == nil {
		return Stats{}
	}
	m := (*ms)[name]
	m.mu.Lock()
	defer m.mu.Unlock()
	return Stats{Total: t.stats(&m.total), FirstToken: t.stats(&m.first)}
}

func (t *Tracker) stats(s *series) Series {
	return Series{Samples: s.n, EWMA: time.Duration(math.Round(s.ewma)), Quantile: t.quantile(s), Last: s.last}
}

// Apply implements llmrouter.Policy: it sets Candidate.Latency to each
// model's observed quantile where the tracker (or Config.Shared, which
// comes first) has MinSamples samples, the latest no older than MaxAge at
// Routing.Now; other candidates keep the card's figure. Apply it before
// DefaultPolicy, whose latency filter reads Candidate.Latency.
func (t *Tracker) Apply(r *llmrouter.Routing) error {
	ms := t.models.Load()
	if ms == nil && t.conf().Shared == nil {
		return nil
	}
	now := r.Now.UnixNano()
	for i := range r.Candidates {
		if d, ok := t.sharedExpected(r.Candidates[i].Model, r.Now); ok {
			r.Candidates[i].Latency = d
			continue
		}
		if ms == nil {
			continue
		}
		m := (*ms)[r.Candidates[i].Model]
		if m == nil {
			continue
		}
		e := m.expected.Load()
		if e == 0 || t.conf().MaxAge > 0 && now-m.last.Load() > int64(t.conf().MaxAge) {
			continue
		}
		r.Candidates[i].Latency = time.Duration(e)
	}
	return nil
}
