// Package breaker is the per-model circuit breaker the router consults before
// each attempt (configured through llmrouter.Fallback.Breaker, shared between
// routers through Fallback.Breakers, read back with Router.Breakers). It is
// usable on its own, in front of any call.
//
// A [Breaker] opens after 5 failures in a row, or when at least half of the
// last minute's requests failed (with at least 20 of them); it stays open for
// a 30s cooldown (longer if the tripping error carries a Retry-After hint,
// never more than 5 minutes), then lets one probe through: a success closes
// it, a failure re-opens it. Every default is a zero field of [Settings].
// Which errors count is [IsFailure]: the caller's cancellation and errors
// about the request (invalid request, token limit, content filter) do not.
//
// A Breaker never reads the clock: every method takes now, so tests drive it
// with a fake time. It starts no goroutines and blocks on nothing but its own
// mutex. [Breaker] and [Registry] are safe for concurrent use; their zero
// values are ready to use with the default settings.
package breaker
