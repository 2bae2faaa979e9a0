// Package llmrouter routes each LLM request to the cheapest, fastest model
// that will answer it well enough, and makes that call reliably — in
// process, in microseconds, over the langchaingo clients a service already
// has.
//
// # The pipeline
//
// Every request passes, in order, through:
//
//	Analyzer   → Features    token estimate, turns, code, math, reasoning and
//	                          multi-step markers, images, tools, JSON mode,
//	                          script, hashed word n-grams (DefaultAnalyzer)
//	Classifier → Prediction  per-model predicted quality and/or a
//	                          model-agnostic difficulty, a label, a confidence
//	                          (DefaultClassifier, LinearClassifier trained on
//	                          outcomes, RuleClassifier; embedding.Classifier and
//	                          embedding.SemanticClassifier)
//	Policy     → Plan        filters remove candidates with a reason
//	                          (capability, context window, budget, latency:
//	                          DefaultPolicy; TierFilter), then a selection
//	                          rule orders the rest (CheapestAdequate,
//	                          Threshold); policies compose with Chain
//	Execution  → answer      the plan's models in order: the next on an error;
//	                          with WithFallback, retries with backoff, circuit
//	                          breakers, answer verification and escalation,
//	                          hedging; never after the caller cancels or after
//	                          streamed text reached the caller
//	Sink       ← Decision    every decision, with every attempt, its tokens,
//	                          cost and latency; FeedbackLog takes scores by
//	                          decision id and exports them as training data
//
// Router implements llms.Model, so any langchaingo chain or agent gets
// routing by using a Router as its model. Router.Route runs the first three
// stages only and returns the Decision without calling any model: the dry
// run that explains a decision (Decision.Explain) and lets tests pin
// routing in CI (see package routertest).
//
// # Quality, difficulty and cards
//
// Classifiers may predict each model's quality directly (the probability
// that its answer is acceptable) or a model-agnostic difficulty. The router
// maps a difficulty d onto a model of prior strength s (ModelCard.Quality,
// or a price-rank prior when unset) as σ(logit(s) − logit(d)). Costs are estimated from the cards' prices per
// million tokens and, after the call, computed from the usage the response
// reports (openai/ollama PromptTokens/CompletionTokens, anthropic
// InputTokens/OutputTokens), or from the router's estimate, marked as such.
//
// # Request hints
//
// Per-request facts — user, tier, tags, cost limit, latency budget — travel
// in the context (WithHints), not in llms.CallOptions.Metadata, which some
// langchaingo clients forward to the model API.
//
// # A minimal router
//
//	cheap := llmrouter.NewProvider(llmrouter.ModelCard{
//		Name: "gpt-4o-mini", InputPerMTok: 0.15, OutputPerMTok: 0.60, ContextWindow: 128000, Quality: 0.72,
//	}, miniClient) // any llms.Model, e.g. openai.New(openai.WithModel("gpt-4o-mini"))
//	strong := llmrouter.NewProvider(llmrouter.ModelCard{
//		Name: "gpt-4o", InputPerMTok: 2.50, OutputPerMTok: 10, ContextWindow: 128000, Quality: 0.88,
//	}, bigClient)
//	router, err := llmrouter.New([]llmrouter.Provider{cheap, strong})
//	if err != nil { … }
//	answer, err := llms.GenerateFromSinglePrompt(ctx, router, "What is the capital of France?")
//
// # Packages
//
// This package holds what a service needs at run time. Beside it, for a
// service: config (a router from a YAML file), budget (spend limits per
// user, tag or globally), latency (observed latency, FastestAdequate),
// bandit (a policy that learns from feedback online), verify (a trained
// answer verifier for cascades), decisionlog (a durable decision log with
// feedback), judge (LLM-as-judge grades), telemetry (OpenTelemetry and
// log/slog sinks), hotswap (replacing a running router's stages), redisstore
// (budgets, breakers, latency and learning shared by replicas on Redis),
// catalog (known models' prices), breaker (the per-model circuit breakers
// Fallback uses) and routertest (fakes and routing table tests). Offline
// work: dataset (outcomes files), train (fits a LinearClassifier),
// calibrate (chooses a Threshold cutoff), eval (route quality on held-out
// data), embedding (embedding-based classifiers) and replay (a candidate
// policy replayed or estimated off-policy).
//
// # Concurrency
//
// A Router is safe for concurrent use. Analyzers, classifiers, policies,
// providers and sinks given to it must be safe for concurrent use too; the
// built-in ones are.
package llmrouter
