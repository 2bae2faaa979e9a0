// Package train fits an llmrouter.LinearClassifier on an outcomes dataset
// (package dataset): ridge regression of each model's score on hashed word
// n-grams and dense text signals, with the penalty, idf and dense weight
// chosen by cross-validation over prompt-grouped folds. Linear trains on a
// Dataset in memory; LinearSeq on records streamed once, for data larger
// than memory. The result routes with llmrouter.WithClassifier, and saves
// and loads with LinearClassifier.Save and llmrouter.ReadLinearClassifier.
// `llmrouter train` is its command line. A service that only routes does
// not need this package.
//
// Features are computed by the same code the classifier uses when serving,
// so a trained model scores a prompt exactly as it was trained.
//
// Concurrency: Linear and LinearSeq are deterministic given Options.Seed
// and safe to call concurrently; Options.Progress is called from the
// goroutine that called Linear or LinearSeq.
package train
