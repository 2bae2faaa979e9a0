package llmrouter

import "github.com/llmrouter/llmrouter/internal/linear"

// Package train builds a LinearClassifier through internal/linear's hooks,
// so that the classifier's fields stay unexported.
func init() {
	linear.DenseSignals = denseSignals
	linear.NGrams = func(dst []uint32, text string, maxWords int) []uint32 {
		return hashNGrams(dst, scanWindow(text), maxWords)
	}
	linear.Build = func(t *linear.Trained) any { return linearFromTrained(t) }
}

// linearFromTrained assembles a classifier from trained weights.
func linearFromTrained(t *linear.Trained) *LinearClassifier {
	cfg := linearConfig{HashBits: t.HashBits, MaxWords: t.MaxWords, IDF: t.IDF, DenseWeight: t.DenseWeight}
	c := newLinearClassifier(cfg, t.Models, t.Difficulty, t.Reference)
	c.setIDF(t.BucketIDF, t.MaxIDF)
	D := 1 << t.HashBits
	no := len(c.outputs)
	for o, beta := range t.Betas {
		for b := 0; b < D; b++ {
			c.table[b*c.stride+1+o] = float32(beta[b])
		}
		for k := 0; k < numDense; k++ {
			c.dense[k*no+o] = float32(beta[D+k])
		}
		c.bias[o] = float32(beta[len(beta)-1])
	}
	for k := 0; k < numDense; k++ {
		c.dmean[k] = float32(t.DMean[k])
		if t.DStd[k] > 0 {
			c.dscale[k] = float32(t.DenseWeight / t.DStd[k])
		}
	}
	c.info = LinearInfo{Rows: t.Rows, Lambda: t.Lambda, Tuned: t.Tuned, CVScore: t.CVScore, ClassWeight: t.ClassWeight, Seed: t.Seed, Note: t.Note}
	return c
}
