package telemetry

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/llmrouter/llmrouter/budget"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/breaker"
	"github.com/tmc/langchaingo/llms"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

const unknownCode = llms.ErrCodeUnknown

// The GenAI conventions' explicit bucket boundaries.
var (
	durationBuckets = []float64{0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92}
	tokenBuckets    = []float64{1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864}
)

// Outcomes of an attempt (llmrouter.outcome).
const (
	outcomeOK       = "ok"
	outcomeError    = "error"
	outcomeRejected = "rejected"
	outcomeSkipped  = "skipped"
)

type instruments struct {
	requests    metric.Int64Counter
	reqDuration metric.Float64Histogram
	attempts    metric.Int64Counter
	cost        metric.Float64Counter
	opDuration  metric.Float64Histogram
	tokens      metric.Int64Histogram
	breakers    metric.Int64ObservableGauge
	budget      metric.Int64Counter
}

func (m *instruments) init(meter metric.Meter) error {
	var err error
	if m.requests, err = meter.Int64Counter("llmrouter.requests",
		metric.WithUnit("{request}"), metric.WithDescription("Requests the router called models for, by the model that answered (else the chosen one) and error.type.")); err != nil {
		return err
	}
	if m.reqDuration, err = meter.Float64Histogram("llmrouter.request.duration",
		metric.WithUnit("s"), metric.WithDescription("Time from the routing decision to the end of the call, every attempt included."),
		metric.WithExplicitBucketBoundaries(durationBuckets...)); err != nil {
		return err
	}
	if m.attempts, err = meter.Int64Counter("llmrouter.attempts",
		metric.WithUnit("{attempt}"), metric.WithDescription("Model calls, and models skipped without a call, by model, outcome and error.type.")); err != nil {
		return err
	}
	if m.cost, err = meter.Float64Counter("llmrouter.cost",
		metric.WithUnit("USD"), metric.WithDescription("Cost of model calls in USD, by model, from reported (else estimated) usage and the model's prices.")); err != nil {
		return err
	}
	if m.opDuration, err = meter.Float64Histogram("gen_ai.client.operation.duration",
		metric.WithUnit("s"), metric.WithDescription("GenAI operation duration."),
		metric.WithExplicitBucketBoundaries(durationBuckets...)); err != nil {
		return err
	}
	if m.tokens, err = meter.Int64Histogram("gen_ai.client.token.usage",
		metric.WithUnit("{token}"), metric.WithDescription("Number of input and output tokens used."),
		metric.WithExplicitBucketBoundaries(tokenBuckets...)); err != nil {
		return err
	}
	if m.budget, err = meter.Int64Counter("llmrouter.budget.filtered",
		metric.WithUnit("{model}"), metric.WithDescription("Models a spend limit took out of a request (budget.Budget), by model. A request no model fits ends in GenerateContent's error (budget.ErrExceeded) before a decision reaches sinks.")); err != nil {
		return err
	}
	return nil
}

func (m *instruments) watchBreakers(meter metric.Meter, reg *breaker.Registry, models []string, clock func() time.Time, c *attrCache) (metric.Registration, error) {
	var err error
	if m.breakers, err = meter.Int64ObservableGauge("llmrouter.breaker.state",
		metric.WithUnit("{state}"), metric.WithDescription("Circuit-breaker state per model: 0 closed, 1 open, 2 half-open.")); err != nil {
		return nil, err
	}
	if clock == nil {
		clock = time.Now
	}
	models = append([]string(nil), models...)
	g := m.breakers
	return meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		now := clock()
		for _, name := range models {
			o.ObserveInt64(g, int64(reg.Breaker(name).Stats(now).State), c.get(attrKey{kind: kindBreaker, model: name}).obs...)
		}
		return nil
	}, g)
}

func (s *Sink) metrics(ctx context.Context, d *llmrouter.Decision) {
	m := &s.m
	model := d.Answered
	if model == "" {
		model = d.Model
	}
	for i := range d.Candidates {
		if c := &d.Candidates[i]; strings.HasPrefix(c.Removed, budget.RemovedPrefix) {
			m.budget.Add(ctx, 1, s.attrs.get(attrKey{kind: kindCost, model: c.Model}).add...)
		}
	}
	reqAttrs := s.attrs.get(attrKey{kind: kindRequest, model: model, code: requestCode(d)})
	m.requests.Add(ctx, 1, reqAttrs.add...)
	m.reqDuration.Record(ctx, d.Latency.Seconds(), reqAttrs.rec...)
	for i := range d.Attempts {
		a := &d.Attempts[i]
		outcome := outcomeOK
		switch {
		case a.Skipped != "":
			outcome = outcomeSkipped
		case a.Err != nil:
			outcome = outcomeError
		case a.Rejected != "":
			outcome = outcomeRejected
		}
		code := attemptCode(a)
		m.attempts.Add(ctx, 1, s.attrs.get(attrKey{kind: kindAttempt, model: a.Model, code: code, outcome: outcome}).add...)
		if a.Skipped != "" {
			continue
		}
		if a.Cost != 0 {
			m.cost.Add(ctx, a.Cost, s.attrs.get(attrKey{kind: kindCost, model: a.Model}).add...)
		}
		provider := s.prov[a.Model]
		m.opDuration.Record(ctx, a.Latency.Seconds(), s.attrs.get(attrKey{kind: kindOperation, model: a.Model, code: code, provider: provider}).rec...)
		if !a.Usage.Estimated && (a.Usage.InputTokens > 0 || a.Usage.OutputTokens > 0) {
			m.tokens.Record(ctx, int64(a.Usage.InputTokens), s.attrs.get(attrKey{kind: kindTokens, model: a.Model, code: code, provider: provider, outcome: "input"}).rec...)
			m.tokens.Record(ctx, int64(a.Usage.OutputTokens), s.attrs.get(attrKey{kind: kindTokens, model: a.Model, code: code, provider: provider, outcome: "output"}).rec...)
		}
	}
}

// Kinds of attribute sets.
const (
	kindRequest = iota
	kindAttempt
	kindCost
	kindOperation
	kindTokens
	kindBreaker
)

// attrKey names one attribute set: models, codes, outcomes and providers
// are few, so the sets are built once and reused (an attribute set costs
// allocations to build; a cached option costs none).
type attrKey struct {
	kind     int
	model    string
	code     string // error.type; empty on success
	outcome  string // llmrouter.outcome, or gen_ai.token.type for kindTokens
	provider string
}

// maxCachedSets bounds the cache: past it (a classifier inventing codes,
// say) sets are built per use rather than kept.
const maxCachedSets = 4096

type attrCache struct {
	mu   sync.RWMutex
	sets map[attrKey]*attrOpts
}

// attrOpts holds one attribute set as the option slices the instruments
// take, so that passing them allocates nothing.
type attrOpts struct {
	add []metric.AddOption
	rec []metric.RecordOption
	obs []metric.ObserveOption
}

func (c *attrCache) get(k attrKey) *attrOpts {
	c.mu.RLock()
	o, ok := c.sets[k]
	c.mu.RUnlock()
	if ok {
		return o
	}
	opt := metric.WithAttributeSet(k.set())
	o = &attrOpts{add: []metric.AddOption{opt}, rec: []metric.RecordOption{opt}, obs: []metric.ObserveOption{opt}}
	c.mu.Lock()
	if c.sets == nil {
		c.sets = make(map[attrKey]*attrOpts)
	}
	if len(c.sets) < maxCachedSets {
		c.sets[k] = o
	}
	c.mu.Unlock()
	return o
}

func (k attrKey) set() attribute.Set {
	kv := make([]attribute.KeyValue, 0, 6)
	switch k.kind {
	case kindRequest:
		kv = append(kv, keyModel.String(k.model))
	case kindAttempt:
		kv = append(kv, keyRequestModel.String(k.model), keyOutcome.String(k.outcome))
	case kindCost, kindBreaker:
		kv = append(kv, keyRequestModel.String(k.model))
	case kindOperation, kindTokens:
		kv = append(kv, keyOperation.String(opChat), keyRequestModel.String(k.model))
		if k.code == "" {
			kv = append(kv, keyResponseMdl.String(k.model))
		}
		if k.provider != "" {
			kv = append(kv, keyProvider.String(k.provider))
		}
		if k.kind == kindTokens {
			kv = append(kv, keyTokenType.String(k.outcome))
		}
	}
	if k.code != "" && k.kind != kindTokens {
		kv = append(kv, keyErrorType.String(k.code))
	}
	return attribute.NewSet(kv...)
}
