package embedding

import (
	"fmt"
	"math"
)

// Defaults of Config and SemanticRoutes.
const (
	// DefaultBatchSize is how many texts go into one EmbedDocuments call.
	DefaultBatchSize = 64
	// DefaultConcurrency is how many EmbedDocuments calls run at once.
	DefaultConcurrency = 4
	// DefaultCacheSize is how many query embeddings are cached.
	DefaultCacheSize = 1024
	// DefaultK is how many nearest training prompts vote.
	DefaultK = 50
	// DefaultTemperature is the softmax temperature over cosine
	// similarities: a neighbour 0.1 less similar than the nearest one
	// weighs 1/e as much.
	DefaultTemperature = 0.1
	// DefaultPrior is the weight of the model's global mean, in
	// units of the nearest neighbour's weight (a pseudo-count).
	DefaultPrior = 1.0
)

// Config configures NewClassifier. The zero value is
// ready to use: every zero field means its documented default.
type Config struct {
	// K is how many nearest training prompts predict a request's quality.
	// 0 means DefaultK (50).
	K int
	// Temperature sets how fast a neighbour's weight falls with its cosine
	// similarity s: w = exp((s − s₁)/Temperature), s₁ the nearest
	// neighbour's similarity, so the weights are a softmax over the top K
	// and the nearest weighs 1. Smaller is sharper. 0 means
	// DefaultTemperature (0.1).
	Temperature float64
	// Prior is how much the model's global mean score weighs against the
	// neighbours, as a pseudo-count in units of the nearest neighbour's
	// weight: with few or far neighbours the prediction shrinks toward the
	// global mean. 0 means DefaultPrior (1); a negative value
	// means no shrinkage.
	Prior float64
	// MinSimilarity is the cosine similarity at or below which a training
	// prompt is no neighbour at all. The neighbours' total weight is also
	// scaled by reach = (s₁ − MinSimilarity)/(1 − MinSimilarity), so a
	// request whose best match is barely above MinSimilarity gets almost
	// the global mean. 0 (the zero value) means only positively similar
	// prompts count; it must lie in [-1, 1).
	MinSimilarity float64
	// BatchSize is how many training prompts go into one EmbedDocuments
	// call. 0 means DefaultBatchSize (64).
	BatchSize int
	// Concurrency bounds the EmbedDocuments calls in flight at once.
	// 0 means DefaultConcurrency (4).
	Concurrency int
	// CacheSize bounds the LRU cache of query embeddings (entries). 0 means
	// DefaultCacheSize (1024); negative disables the cache. Entries are
	// keyed by a 128-bit hash of the text, so memory is about CacheSize ×
	// (4·dimension + 100) bytes whatever the texts' length.
	CacheSize int
}

func (c *Config) normalize() error {
	if c.K == 0 {
		c.K = DefaultK
	}
	if c.Temperature == 0 {
		c.Temperature = DefaultTemperature
	}
	switch {
	case c.Prior == 0:
		c.Prior = DefaultPrior
	case c.Prior < 0:
		c.Prior = 0
	}
	switch {
	case c.K < 0:
		return fmt.Errorf("llmrouter: embedding classifier: K %d is negative", c.K)
	case !(c.Temperature > 0) || math.IsInf(c.Temperature, 0):
		return fmt.Errorf("llmrouter: embedding classifier: temperature %v must be a positive number", c.Temperature)
	case math.IsNaN(c.Prior) || math.IsInf(c.Prior, 0):
		return fmt.Errorf("llmrouter: embedding classifier: prior %v must be finite", c.Prior)
	case !(c.MinSimilarity >= -1 && c.MinSimilarity < 1):
		return fmt.Errorf("llmrouter: embedding classifier: MinSimilarity %v is outside [-1, 1)", c.MinSimilarity)
	}
	return normalizeBatching(&c.BatchSize, &c.Concurrency, &c.CacheSize)
}

func normalizeBatching(batch, conc, cache *int) error {
	if *batch == 0 {
		*batch = DefaultBatchSize
	}
	if *conc == 0 {
		*conc = DefaultConcurrency
	}
	if *cache == 0 {
		*cache = DefaultCacheSize
	}
	if *batch < 0 {
		return fmt.Errorf("llmrouter: embedding batch size %d is negative", *batch)
	}
	if *conc < 0 {
		return fmt.Errorf("llmrouter: embedding concurrency %d is negative", *conc)
	}
	return nil
}
