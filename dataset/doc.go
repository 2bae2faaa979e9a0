// Package dataset reads, checks and writes outcomes datasets: JSON Lines
// files where each line is a prompt and, per model, what that model's answer
// to it was worth (score, cost). They are the input of offline work — training
// a classifier (llmrouter train), calibrating one, evaluating a router
// (package eval) — and what llmrouter.FeedbackLog.Export writes from a
// running router. A service that only routes does not need this package.
//
// Read and Load parse a whole file into a Dataset, reporting every malformed
// line with its number and field (Error, Errors); ReadSeq streams records for
// data larger than memory; Writer and Write produce the same format.
//
// Concurrency: a Dataset and its Records are plain values, safe for
// concurrent reads and not for concurrent writes; a Reader or Writer belongs
// to one goroutine at a time. The package-level functions are safe to call
// concurrently.
package dataset
