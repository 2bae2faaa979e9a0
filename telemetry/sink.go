package telemetry

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/breaker"
	"github.com/llmrouter/llmrouter/internal/nilcheck"
	"github.com/llmrouter/llmrouter/internal/secret"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName is the instrumentation scope of the sink's tracer and meter.
const ScopeName = "github.com/llmrouter/llmrouter/telemetry"

// Attribute keys. The gen_ai.* and error.type keys are the OpenTelemetry
// semantic conventions'; the GenAI ones are in development there, so they
// are spelt out here rather than imported from a semconv package.
const (
	keyOperation    = attribute.Key("gen_ai.operation.name")
	keyProvider     = attribute.Key("gen_ai.provider.name")
	keyRequestModel = attribute.Key("gen_ai.request.model")
	keyResponseMdl  = attribute.Key("gen_ai.response.model")
	keyMaxTokens    = attribute.Key("gen_ai.request.max_tokens")
	keyInputTokens  = attribute.Key("gen_ai.usage.input_tokens")
	keyOutputTokens = attribute.Key("gen_ai.usage.output_tokens")
	keyTokenType    = attribute.Key("gen_ai.token.type")
	keyErrorType    = attribute.Key("error.type")

	keyDecisionID  = attribute.Key("llmrouter.decision.id")
	keyModel       = attribute.Key("llmrouter.model")
	keyAnswered    = attribute.Key("llmrouter.answered")
	keyAttempts    = attribute.Key("llmrouter.attempts")
	keyCost        = attribute.Key("llmrouter.cost_usd")
	keyInTokens    = attribute.Key("llmrouter.usage.input_tokens")
	keyOutTokens   = attribute.Key("llmrouter.usage.output_tokens")
	keyEstimated   = attribute.Key("llmrouter.usage.estimated")
	keyLabel       = attribute.Key("llmrouter.label")
	keyDifficulty  = attribute.Key("llmrouter.difficulty")
	keyTier        = attribute.Key("llmrouter.tier")
	keyReason      = attribute.Key("llmrouter.reason")
	keyRetry       = attribute.Key("llmrouter.retry")
	keyHedged      = attribute.Key("llmrouter.hedged")
	keyRejected    = attribute.Key("llmrouter.rejected")
	keyNext        = attribute.Key("llmrouter.next")
	keyOutcome     = attribute.Key("llmrouter.outcome")
	keySkipped     = attribute.Key("llmrouter.skipped")
	opChat         = "chat"
	requestSpan    = "llmrouter.request"
	skipEvent      = "llmrouter.skip"
	maxDescription = 256 // bytes of an error message kept as a span status description
)

// Options configure NewSink. The zero value is ready: the global providers,
// no provider names, no breaker gauge.
type Options struct {
	// TracerProvider makes the sink's tracer. Default: otel.GetTracerProvider().
	TracerProvider trace.TracerProvider
	// MeterProvider makes the sink's meter. Default: otel.GetMeterProvider().
	MeterProvider metric.MeterProvider
	// Providers maps a model name (ModelCard.Name) to its
	// gen_ai.provider.name ("openai", "anthropic", "gcp.gemini", … as the
	// conventions list them). Models it does not name get no such
	// attribute. Read, never written, by the sink.
	Providers map[string]string
	// Breakers, with Models, turns on the llmrouter.breaker.state gauge:
	// at each collection the state of Breakers.Breaker(m) for every m in
	// Models, at Clock() (default time.Now; pass the router's clock when
	// it is a fake). Pass Router.Breakers() and the router's model names.
	Breakers *breaker.Registry
	Models   []string
	Clock    func() time.Time
}

// Sink records each decision it is given as OpenTelemetry spans and
// metrics (see the package documentation for their names and attributes).
// It is an llmrouter.Sink, safe for concurrent use; Record does not block
// beyond what the configured providers do (the SDK's batch span processor
// queues, and drops when full). Create it with NewSink: the zero value is
// not usable (Record panics saying so). A nil *Sink is no sink: it records
// nothing (llmrouter.WithSink ignores one).
type Sink struct {
	tracer trace.Tracer
	m      instruments
	attrs  attrCache
	prov   map[string]string
	regMu  sync.Mutex
	reg    metric.Registration // breaker gauge callback; nil without one or after Close
}

var _ llmrouter.Sink = (*Sink)(nil)

// NewSink returns a Sink over o's providers. It fails, naming the field,
// on a provider that is a nil pointer (a constructor whose error was
// dropped; a nil interface means the global one), on a breaker gauge half
// configured (Breakers without Models or Models without Breakers) or a
// model name in Models that is empty or repeated, and when the meter
// provider refuses to create an instrument or register the breaker
// gauge's callback.
func NewSink(o Options) (*Sink, error) {
	switch {
	case o.Breakers != nil && len(o.Models) == 0:
		return nil, errors.New("telemetry: Options.Breakers is set but Models is empty: the breaker gauge needs the router's model names")
	case o.Breakers == nil && len(o.Models) > 0:
		return nil, errors.New("telemetry: Options.Models is set but Breakers is nil: the breaker gauge needs the router's Breakers()")
	}
	for i, m := range o.Models {
		if m == "" {
			return nil, fmt.Errorf("telemetry: Options.Models[%d] is empty", i)
		}
		if j := slices.Index(o.Models[:i], m); j >= 0 {
			return nil, fmt.Errorf("telemetry: Options.Models[%d] %q repeats Models[%d]", i, m, j)
		}
	}
	tp, mp := o.TracerProvider, o.MeterProvider
	for _, f := range [...]struct {
		name string
		v    any
	}{{"TracerProvider", tp}, {"MeterProvider", mp}} {
		if nilcheck.PointerOrFunc(f.v) {
			return nil, fmt.Errorf("telemetry: Options.%s is a nil %T (did its constructor fail?)", f.name, f.v)
		}
	}
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	s := &Sink{tracer: tp.Tracer(ScopeName), prov: o.Providers}
	meter := mp.Meter(ScopeName)
	if err := s.m.init(meter); err != nil {
		return nil, err
	}
	if o.Breakers != nil && len(o.Models) > 0 {
		reg, err := s.m.watchBreakers(meter, o.Breakers, o.Models, o.Clock, &s.attrs)
		if err != nil {
			return nil, err
		}
		s.reg = reg
	}
	return s, nil
}

// Close stops the breaker gauge's callback, if any; the sink still records
// decisions. It is safe to call more than once and concurrently: the
// first call unregisters the callback and returns its error, later ones
// return nil.
func (s *Sink) Close() error {
	if s == nil {
		return nil
	}
	s.regMu.Lock()
	reg := s.reg
	s.reg = nil
	s.regMu.Unlock()
	if reg == nil {
		return nil
	}
	return reg.Unregister()
}

// Record implements llmrouter.Sink: it writes d's spans, starting a new
// trace, and its metrics. A router calls RecordContext instead. A nil
// decision is ignored.
func (s *Sink) Record(d *llmrouter.Decision) { s.RecordContext(context.Background(), d) }

// RecordContext is Record with the request span parented on the span in
// ctx, if ctx holds one. A router built WithSink(s) calls it with the
// caller's context of GenerateContent, so request spans sit in the
// caller's trace. ctx is also handed to the metric instruments
// (exemplars); its cancellation changes nothing.
func (s *Sink) RecordContext(ctx context.Context, d *llmrouter.Decision) {
	if d == nil || s == nil {
		return
	}
	if s.tracer == nil {
		panic("telemetry: Sink not made by NewSink (its zero value is not usable)")
	}
	s.spans(ctx, d)
	s.metrics(ctx, d)
}

// end is when d's call ended, by the router's clock.
func end(d *llmrouter.Decision) time.Time { return d.Time.Add(d.Latency) }

func (s *Sink) spans(ctx context.Context, d *llmrouter.Decision) {
	attrs := make([]attribute.KeyValue, 0, 14)
	attrs = append(attrs,
		keyDecisionID.String(d.ID),
		keyModel.String(d.Model),
		keyAttempts.Int(len(d.Attempts)),
		keyCost.Float64(d.Cost),
		keyInTokens.Int(d.Usage.InputTokens),
		keyOutTokens.Int(d.Usage.OutputTokens),
	)
	if d.Answered != "" {
		attrs = append(attrs, keyAnswered.String(d.Answered))
	}
	if d.Usage.Estimated {
		attrs = append(attrs, keyEstimated.Bool(true))
	}
	if d.Prediction.Label != "" {
		attrs = append(attrs, keyLabel.String(d.Prediction.Label))
	}
	if x := d.Prediction.Difficulty; !math.IsNaN(x) {
		attrs = append(attrs, keyDifficulty.Float64(x))
	}
	if d.Hints.Tier != "" {
		attrs = append(attrs, keyTier.String(d.Hints.Tier))
	}
	code := requestCode(d)
	if code != "" {
		attrs = append(attrs, keyErrorType.String(code))
	}
	ctx, req := s.tracer.Start(ctx, requestSpan,
		trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithTimestamp(d.Time),
		trace.WithAttributes(attrs...))
	if d.Err != nil {
		req.SetStatus(codes.Error, description(d.Err))
	}
	if !req.IsRecording() {
		// Not sampled (or tracing off): the children would not be either
		// under the usual parent-based sampler, so skip building them.
		req.End()
		return
	}
	for i := range d.Attempts {
		a := &d.Attempts[i]
		if a.Skipped != "" {
			req.AddEvent(skipEvent, trace.WithTimestamp(a.Start), trace.WithAttributes(
				keyRequestModel.String(a.Model), keySkipped.String(a.Skipped), keyReason.String(a.Reason)))
			continue
		}
		s.attemptSpan(ctx, a)
	}
	req.End(trace.WithTimestamp(end(d)))
}

func (s *Sink) attemptSpan(ctx context.Context, a *llmrouter.Attempt) {
	attrs := make([]attribute.KeyValue, 0, 14)
	attrs = append(attrs,
		keyOperation.String(opChat),
		keyRequestModel.String(a.Model),
		keyCost.Float64(a.Cost),
	)
	if p := s.prov[a.Model]; p != "" {
		attrs = append(attrs, keyProvider.String(p))
	}
	if a.Err == nil {
		attrs = append(attrs, keyResponseMdl.String(a.Model))
	}
	if a.MaxTokens > 0 {
		attrs = append(attrs, keyMaxTokens.Int(a.MaxTokens))
	}
	if a.Usage.Estimated {
		attrs = append(attrs, keyEstimated.Bool(true))
	} else if a.Usage.InputTokens > 0 || a.Usage.OutputTokens > 0 {
		attrs = append(attrs, keyInputTokens.Int(a.Usage.InputTokens), keyOutputTokens.Int(a.Usage.OutputTokens))
	}
	if a.Reason != "" {
		attrs = append(attrs, keyReason.String(a.Reason))
	}
	if a.Retry > 0 {
		attrs = append(attrs, keyRetry.Int(a.Retry))
	}
	if a.Hedged {
		attrs = append(attrs, keyHedged.Bool(true))
	}
	if a.Rejected != "" {
		attrs = append(attrs, keyRejected.String(a.Rejected))
	}
	if a.Next != "" {
		attrs = append(attrs, keyNext.String(a.Next))
	}
	code := attemptCode(a)
	if code != "" {
		attrs = append(attrs, keyErrorType.String(code))
	}
	_, sp := s.tracer.Start(ctx, opChat+" "+a.Model,
		trace.WithSpanKind(trace.SpanKindClient),
		trace.WithTimestamp(a.Start),
		trace.WithAttributes(attrs...))
	if a.Err != nil {
		sp.SetStatus(codes.Error, description(a.Err))
	}
	sp.End(trace.WithTimestamp(a.Start.Add(a.Latency)))
}

// attemptCode is the attempt's error.type: its code, or "unknown" for an
// error the router left unclassified (the conventions require a value).
func attemptCode(a *llmrouter.Attempt) string {
	if a.Err == nil {
		return ""
	}
	if a.Code == "" {
		return string(unknownCode)
	}
	return string(a.Code)
}

// requestCode is the request's error.type: the code of the attempt whose
// failure the error matches (the decisive one), else the code of the
// error itself.
func requestCode(d *llmrouter.Decision) string {
	if d.Err == nil {
		return ""
	}
	for i := len(d.Attempts) - 1; i >= 0; i-- {
		if a := &d.Attempts[i]; a.Err != nil && errors.Is(d.Err, a.Err) {
			return attemptCode(a)
		}
	}
	return string(llmrouter.ErrorCodeOf(d.Err))
}

// description bounds an error message for a span status, cutting at a
// rune boundary, with API keys and tokens in it redacted (a transport
// error quotes the request URL, where some clients put the key).
func description(err error) string {
	msg := secret.String(err.Error())
	if len(msg) <= maxDescription {
		return msg
	}
	cut := maxDescription
	for cut > 0 && msg[cut]&0xC0 == 0x80 {
		cut--
	}
	return msg[:cut] + "…"
}
