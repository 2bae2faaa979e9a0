// Package telemetry turns the router's decisions into OpenTelemetry spans
// and metrics ([Sink]) and into log/slog records ([LogSink]). Both are
// llmrouter.Sinks: register them with llmrouter.WithSink. It lives outside
// the root package so that the root keeps its three dependencies; the root
// never imports it.
//
// A sink receives a Decision after its call has ended, so spans are
// written afterwards with the times the router recorded (its clock, see
// llmrouter.WithClock): one request span from the decision's time to the
// end of the call, and under it one span per model call (Attempt) from its
// start to its end.
//
// # Spans
//
// The request span, "llmrouter.request" (kind INTERNAL), covers the whole
// call, every retry, fallback and hedge included. Its attributes are the
// router's own, under llmrouter.*: the decision's id, the chosen and the
// answering model, the number of attempts, the cost in USD, the summed
// token usage, the predicted label and difficulty, the tier; on failure
// error.type and an Error status. Models skipped without a call (cooling
// down, too small a context window, over the cost cap) are events
// "llmrouter.skip" on it. The end user (Hints.User) is not recorded. An
// Error status's description is the error's message, cut to 256 bytes,
// with API keys and tokens redacted (a transport error quotes the request
// URL, where some clients put the key).
//
// Each model call is a span named "chat {model}" (kind CLIENT) following
// the OpenTelemetry GenAI semantic conventions for inference spans
// (development status; keys are written as strings, as the Go semconv
// packages do not carry them as stable): gen_ai.operation.name "chat",
// gen_ai.request.model and, on success, gen_ai.response.model (both the
// router's model name, ModelCard.Name), gen_ai.provider.name when
// Options.Providers names it, gen_ai.request.max_tokens when the router
// limited the output for a cost cap, gen_ai.usage.input_tokens and
// gen_ai.usage.output_tokens when the provider reported them (an estimate
// is flagged llmrouter.usage.estimated instead, so that backends summing
// usage over spans never add estimates), and on failure error.type (the
// attempt's llms.ErrorCode: rate_limit, timeout, provider_unavailable, …)
// with an Error status. Token usage sits on the model calls only, never on
// the request span, so nothing is counted twice.
//
// When the request span is not recording (not sampled, or tracing off),
// its children are not built either, as a parent-based sampler would drop
// them; metrics are recorded whatever the sampling.
//
// Parentage: a router hands a sink that has RecordContext the caller's
// context of GenerateContent (see llmrouter.Sink), so a Sink registered
// with WithSink parents each request span on the caller's span, failed
// calls included; [Sink.Record], called without a context, starts a new
// trace.
//
// # Metrics
//
// Per request:
//
//	llmrouter.requests          counter   {request}  llmrouter.model, error.type
//	llmrouter.request.duration  histogram s          llmrouter.model, error.type
//
// Per model call (attempt):
//
//	llmrouter.attempts                counter   {attempt}  gen_ai.request.model, llmrouter.outcome, error.type
//	llmrouter.cost                    counter   USD        gen_ai.request.model
//	gen_ai.client.operation.duration  histogram s          gen_ai.operation.name, gen_ai.request.model, gen_ai.response.model, gen_ai.provider.name, error.type
//	gen_ai.client.token.usage         histogram {token}    gen_ai.operation.name, gen_ai.request.model, gen_ai.response.model, gen_ai.provider.name, gen_ai.token.type
//
// llmrouter.model is the model that answered, else the chosen one;
// llmrouter.outcome is ok, error, rejected (the verifier turned the answer
// down) or skipped (no call made: such attempts count nowhere else); errors
// by code are llmrouter.attempts by error.type. Token usage counts reported
// usage only, as the conventions ask. The duration histograms use the
// conventions' bucket boundaries (10ms doubling to 81.92s), the token
// histogram theirs (1, 4, 16, … 67108864).
//
// With Options.Breakers set, an observable gauge reports each named
// model's circuit-breaker state:
//
//	llmrouter.breaker.state  gauge  {state}  gen_ai.request.model  (0 closed, 1 open, 2 half-open)
//
// Per request, the models a spend limit (package budget) took out of it:
//
//	llmrouter.budget.filtered  counter  {model}  gen_ai.request.model
//
// A request no model fits ends in GenerateContent's error, matching
// budget.ErrExceeded, before any decision reaches a sink: count those
// where the error is returned.
package telemetry
