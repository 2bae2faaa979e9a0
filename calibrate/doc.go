// Package calibrate picks the cutoff of a binary (strong/weak) router
// offline: Scores runs a classifier over an outcomes dataset (package
// dataset) and returns each prompt's router score with the two models'
// realised scores; Share and Quality then find the llmrouter.Threshold
// cutoff that sends a given share of prompts to the strong model, or that
// reaches a given mean quality, with the PGR it recovers. `llmrouter
// calibrate` is its command line. A service that only routes does not need
// this package.
//
// Concurrency: every function is safe to call concurrently; Scores calls
// the classifier and analyzer from the calling goroutine only, passing ctx
// to the classifier (it stops on the first error the classifier returns).
package calibrate
