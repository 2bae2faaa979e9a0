// Package linear is the seam between the root package's LinearClassifier
// and package train: the constants both sides agree on, the tf weight, and
// two hooks the root package fills in its init — the dense text signals
// (computed exactly as serving computes them) and the constructor of a
// LinearClassifier from trained weights. Package train imports the root, so
// the hooks are always set by the time it runs.
package linear

import "math"

// Hash bits of a LinearClassifier: 2^bits n-gram buckets.
const (
	DefaultHashBits = 18
	MinHashBits     = 8
	MaxHashBits     = 24
)

// NumDense is the number of dense text signals (llmrouter's
// LinearClassifier documents them).
const NumDense = 10

// tfWeight[k] = 1 + ln k, the sub-linear weight of a bucket seen k times.
var tfWeight = func() (t [64]float32) {
	for k := 1; k < len(t); k++ {
		t[k] = float32(1 + math.Log(float64(k)))
	}
	return t
}()

// TF is the tf weight of a bucket seen k times: 1 + ln k.
func TF(k uint32) float32 {
	if k < uint32(len(tfWeight)) {
		return tfWeight[k]
	}
	return float32(1 + math.Log(float64(k)))
}

// Trained is what training produces: a LinearClassifier's configuration,
// weights and provenance.
type Trained struct {
	HashBits, MaxWords int
	IDF                bool
	DenseWeight        float64
	// Models are the outputs' model names, nil for a difficulty-only model.
	Models     []string
	Difficulty bool
	Reference  string
	// BucketIDF is every bucket's idf (nil: MaxIDF everywhere).
	BucketIDF []float32
	MaxIDF    float32
	// Betas, per output: 2^HashBits bucket weights, NumDense dense weights,
	// the bias.
	Betas       [][]float64
	DMean, DStd [NumDense]float64

	Rows        int
	Lambda      float64
	Tuned       bool
	CVScore     float64
	ClassWeight bool
	Seed        uint64
	Note        string
}

// Set by package llmrouter's init.
var (
	// DenseSignals computes the dense text signals of text into d.
	DenseSignals func(text string, d *[NumDense]float64)
	// NGrams appends the n-gram hashes serving reads of text (those of its
	// first MaxScanBytes, at most maxWords words) to dst.
	NGrams func(dst []uint32, text string, maxWords int) []uint32
	// Build returns the *llmrouter.LinearClassifier of t.
	Build func(t *Trained) any
)
