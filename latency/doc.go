// Package latency observes each model's latency from the router's own
// attempts and routes by it.
//
// A Tracker is a Sink fed every decision: per model it keeps time to the
// complete answer and time to the first streamed text, each as an EWMA
// and a streaming quantile estimate (P², constant memory). Applied as a
// Policy before DefaultPolicy, it replaces each candidate's expected
// latency (Candidate.Latency, the card's TypicalLatency by default) with
// the observed quantile once a model has enough recent samples, so
// Hints.LatencyBudget filters by what models actually do. With
// Config.Shared the trackers of several replicas pool their samples as
// histograms (redisstore.Latency keeps them on Redis).
//
// FastestAdequate is a selection rule for latency-critical calls: the
// fastest model whose predicted quality is adequate.
package latency
