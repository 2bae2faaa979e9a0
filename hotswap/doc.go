// Package hotswap replaces the classifier, policy (thresholds included) or
// verifier of a running llmrouter.Router atomically: build the router with
// a holder from this package in place of the stage, and call the holder's
// Swap while requests run. No request is dropped or waits: each stage call
// reads the holder's current value with one atomic load, and a request
// already past that load finishes with the value it read.
//
// # One request, one version
//
// A Classifier holder and a Policy holder swapped one after the other can
// be seen half-updated: a request may be classified by the new classifier
// and planned by the old policy (the router calls them at two moments).
// When the two belong together — a retrained classifier and the threshold
// calibrated for it — use a Pair, passed to New as both the classifier and
// the policy: the router asks the pair for its (classifier, policy) once per
// request (the Stages convention documented on llmrouter.Policy), and
// Pair.Swap replaces both with one atomic store, so every decision comes
// wholly from one version.
//
// A Verifier holder is read at each verification: a request whose plan
// runs several attempts while a swap happens has its later answers judged
// by the new verifier.
//
// # Validation
//
// New calls a holder's Validate with the router's models (as it does for
// any classifier or policy naming models); the holder remembers them when
// they pass (a router New refused does not constrain later Swaps: New
// checks every stage, through CheckModels for holders, before any holder's
// Validate). Swap
// validates the new value against every model set its holder was validated
// with — a policy naming a model the router lacks is refused, Swap returns
// the error, and the old value stays live; so is a nil pointer or func (a
// classifier whose constructor failed), and a holder made with one fails
// New. Values without a
// Validate(models []llmrouter.ModelCard) error method are taken as they are.
// A holder remembers each model set for its own lifetime, including those
// of routers since dropped: a service that rebuilds its router with other
// models should give the new router new holders, or a policy naming a
// model only the new router has is refused.
//
// # Policies that act around each call
//
// A Policy or Pair holder forwards the StartCall hook (see llmrouter.Policy)
// to the policy it holds when the call starts, so a budget.Budget behind a
// holder still reserves and charges each call.
package hotswap
