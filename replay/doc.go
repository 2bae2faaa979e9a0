// Package replay evaluates a candidate router — a classifier and a policy —
// on traffic that was already routed, before it goes live.
//
// Exact replays it on an outcomes file, where every model's outcome on every
// prompt is known: the candidate's quality and cost per request are then
// measured, not estimated.
//
// Estimate works from a decision log (decisionlog) with feedback, where only
// the outcome of the model the logging policy chose is known. It gives the
// candidate's mean quality and cost per request by inverse propensity
// scoring (IPS) and doubly robust (DR) estimation, with normal-approximation
// confidence intervals. Both are unbiased when every logged decision records
// the probability with which the logging policy chose its model (the
// Decision's "propensity") and that policy gave every model the candidate
// may choose a positive probability. A decision without a propensity was
// made by a deterministic policy (propensity 1): where the candidate
// chooses another model there, nothing in the log says how that model would
// have done, so Estimate reports the decisions it cannot evaluate and
// withholds IPS and DR rather than print a biased number.
package replay
