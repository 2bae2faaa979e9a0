// Package embedding holds the classifiers for users who have an embedding
// model (any langchaingo embeddings.Embedder): Classifier, a
// similarity-weighted k-nearest-neighbour predictor of per-model quality
// learnt from an outcomes dataset (package dataset), and
// SemanticClassifier, semantic routing over hand-written routes with example
// utterances. Both are llmrouter.Classifiers: pass them to
// llmrouter.WithClassifier. They live outside the root package so that a
// router that does not use them does not depend on langchaingo's embeddings
// or on golang.org/x/sync.
//
// Construction embeds the reference texts once, in batches
// (DefaultBatchSize, DefaultConcurrency calls at a time) and stops with ctx's
// error when ctx is cancelled; Classify embeds the request's text with one
// EmbedQuery call, cached (DefaultCacheSize entries).
//
// Concurrency: a built Classifier or SemanticClassifier is safe for
// concurrent use; the Embedder must be too.
package embedding
