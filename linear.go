package llmrouter

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/llmrouter/llmrouter/internal/linear"
)

// LinearClassifier predicts, for every model it was trained on, the
// probability that the model answers a prompt acceptably, as a regularised
// linear (ridge) regression on the prompt's hashed word n-grams and a few
// dense text signals. Train it with train.Linear on an outcomes Dataset; save
// it with WriteTo or Save and load it with ReadLinearClassifier (from an
// os.File, for a file Save wrote).
//
// # Features
//
// The n-grams are those of Features.NGrams, each reduced to a
// bucket by its low HashBits bits. A bucket that occurs k times weighs
// (1 + ln k)·idf(bucket) (idf = ln((1+n)/(1+df)) + 1 over the n training
// prompts when the model uses IDF, else 1), and the n-gram block is scaled
// to unit Euclidean length. The dense block holds the LinearDenseFeatures
// of the text, standardised on the training set and scaled by DenseWeight.
// A model's predicted quality is its bias plus the dot product of its
// weights with both blocks, clamped to [0,1].
//
// Ridge regression of each model's score — a linear probability model —
// ranks prompts as well as logistic regression on these features and
// trains in a fraction of the time; see train.Linear for the measured
// figures. Heavy regularisation makes the weights learn which subject or
// task a prompt belongs to, which carries most of the routing signal.
//
// # Outputs
//
// Classify fills Prediction.Quality for the models it knows (by name);
// other models keep NaN. A classifier trained with train.Options.Difficulty
// also fills Prediction.Difficulty: (1 + g)/2, where g is the predicted
// score gain of the reference model (the strongest) over the mean of the
// others, clamped to [0,1]; 0.5 means the cheaper models are expected to do
// as well as the reference.
//
// A LinearClassifier is immutable after training or loading and safe for
// concurrent use; Classify does not allocate. The zero value knows no
// models: Classify fails saying so and Predict returns no qualities.
type LinearClassifier struct {
	cfg     linearConfig
	outputs []string // model names, then "" for the difficulty head
	models  int      // outputs that are models
	hasDiff bool
	ref     string // reference model of the difficulty head

	stride int       // 1 + len(outputs): idf, then one weight per output
	table  []float32 // (1<<HashBits) × stride; nil when sparse is set
	sparse *sparseRows
	maxIDF float32 // idf of a bucket never seen in training

	dense  []float32 // LinearDenseFeatures × outputs, row-major by feature
	dmean  [numDense]float32
	dscale [numDense]float32 // DenseWeight / standard deviation
	bias   []float32

	info  LinearInfo
	index map[string]int // model name → output
}

// linearConfig is the feature configuration of a LinearClassifier, saved
// in the model file's header, so a model is always served with the
// features it was trained on. LinearInfo shows it (same field docs).
type linearConfig struct {
	HashBits    int     `json:"hash_bits"`
	MaxWords    int     `json:"max_words"`
	IDF         bool    `json:"idf"`
	DenseWeight float64 `json:"dense_weight"`
}

// LinearInfo describes a LinearClassifier: the features it reads and how
// it was trained. It is saved with the model (the feature fields in the
// file header's config, the rest in its info).
type LinearInfo struct {
	// HashBits is the number of low hash bits that select an n-gram's
	// bucket: 2^HashBits buckets. Default 18 (262,144 buckets).
	HashBits int `json:"-"`
	// MaxWords is how many words of a prompt are read. Default
	// DefaultMaxNGramWords.
	MaxWords int `json:"-"`
	// IDF weighs n-grams by inverse document frequency.
	IDF bool `json:"-"`
	// DenseWeight scales the standardised dense features relative to the
	// unit-length n-gram block; 0 leaves them out.
	DenseWeight float64 `json:"-"`

	// Rows is the number of training records.
	Rows int `json:"rows"`
	// Lambda is the ridge penalty the model was fitted with.
	Lambda float64 `json:"lambda"`
	// Tuned is true when Lambda, IDF and DenseWeight were chosen by
	// cross-validation on the training set; CVScore is then the APGR of
	// the chosen setting on the held-out folds, routing between each model
	// and the reference, pairs and folds pooled (see train.Options).
	Tuned   bool    `json:"tuned"`
	CVScore float64 `json:"cv_score,omitempty"`
	// ClassWeight records train.Options.ClassWeight.
	ClassWeight bool `json:"class_weight,omitempty"`
	// Seed is the seed of the tuning folds.
	Seed uint64 `json:"seed"`
	// Note is free text (train.Options.Note), e.g. how to regenerate the model.
	Note string `json:"note,omitempty"`
}

// Bounds of LinearInfo.HashBits (package train's DefaultHashBits is 18).
const (
	minLinearHashBits = linear.MinHashBits
	maxLinearHashBits = linear.MaxHashBits
)

// bucketCounter is a linear.Counter with the classifier's working space.
// Classify keeps a small table on the stack (linear_gather.go) and takes
// larger ones from a sync.Pool, so that it does not allocate.
type bucketCounter struct {
	linear.Counter
	acc     []float32
	scratch []uint32 // n-grams when Features.NGrams is empty
	gather  gatherSpace
}

var counterPool = sync.Pool{New: func() any { return new(bucketCounter) }}

// Models returns the names of the models the classifier predicts, in the
// order of its outputs.
func (c *LinearClassifier) Models() []string {
	return append([]string(nil), c.outputs[:c.models]...)
}

// Info returns the features the classifier reads and how it was trained.
func (c *LinearClassifier) Info() LinearInfo {
	i := c.info
	i.HashBits, i.MaxWords, i.IDF, i.DenseWeight = c.cfg.HashBits, c.cfg.MaxWords, c.cfg.IDF, c.cfg.DenseWeight
	return i
}

// HasDifficulty reports whether the classifier predicts Difficulty, and
// the reference model it is measured against.
func (c *LinearClassifier) HasDifficulty() (bool, string) { return c.hasDiff, c.ref }

// Validate fails (and so New does) when the classifier knows
// none of the router's models and has no difficulty head, as it then has
// no opinion on any request.
func (c *LinearClassifier) Validate(models []ModelCard) error {
	if c.hasDiff {
		return nil
	}
	for _, m := range models {
		if _, ok := c.index[m.Name]; ok {
			return nil
		}
	}
	return fmt.Errorf("llmrouter: linear classifier knows none of the router's models (it was trained on %s)",
		strings.Join(c.outputs[:c.models], ", "))
}

// Classify implements Classifier. It reads f.NGrams (or hashes the first
// MaxScanBytes of f.Text when f.NGrams is empty) and the text counts the
// DefaultAnalyzer leaves in f (or counts them from f.Text when f comes
// from another analyzer); it does not allocate.
func (c *LinearClassifier) Classify(_ context.Context, f *Features, models []ModelCard, p *Prediction) error {
	if len(c.outputs) == 0 {
		return errZeroLinear
	}
	ngrams := linear.ClipNGrams(f.NGrams, c.cfg.MaxWords)
	if (len(ngrams) > 0 || f.Text == "") && c.canStream(len(ngrams)) {
		// The common case: one pass (linear_stream.go).
		var buf [16]float32
		acc := buf[:len(c.outputs)]
		c.streamScores(ngrams, acc)
		c.finish(f, acc)
		c.fill(acc, models, p)
		return nil
	}
	c.classifyRest(f, models, p, true)
	return nil
}

// classifyRest is Classify's other paths: the models the stream does not
// serve (by gather) and features without n-grams (hashing f.Text). With
// stream false it is all gather: the stream's reference twin.
func (c *LinearClassifier) classifyRest(f *Features, models []ModelCard, p *Prediction, stream bool) {
	ngrams := linear.ClipNGrams(f.NGrams, c.cfg.MaxWords)
	if (len(ngrams) > 0 || f.Text == "") && len(ngrams) <= gatherMax && len(c.outputs) <= 16 {
		// The common case: a table on the stack (linear_gather.go).
		var buf [16]float32
		acc := buf[:len(c.outputs)]
		c.gatherScores(ngrams, acc)
		c.finish(f, acc)
		c.fill(acc, models, p)
		return
	}
	b := counterPool.Get().(*bucketCounter)
	defer counterPool.Put(b)
	if len(b.acc) < len(c.outputs) {
		b.acc = make([]float32, len(c.outputs))
	}
	acc := b.acc[:len(c.outputs)]
	c.scores(b, ngrams, f, acc, stream)
	c.fill(acc, models, p)
}

// fill copies the outputs into p.
func (c *LinearClassifier) fill(acc []float32, models []ModelCard, p *Prediction) {
	for j := range models {
		if o, ok := c.index[models[j].Name]; ok {
			p.Quality[j] = clamp01(float64(acc[o]))
		}
	}
	if c.hasDiff {
		p.Difficulty = clamp01((1 + float64(acc[len(acc)-1])) / 2)
	}
}

// Predict returns, for a prompt text, the predicted quality of each of the
// classifier's models (in the order of Models) and the difficulty (NaN
// without a difficulty head): what Classify reports for a request whose
// last human message is text. A convenience for tools and tests: it
// allocates.
func (c *LinearClassifier) Predict(text string) (quality []float64, difficulty float64) {
	if len(c.outputs) == 0 {
		return nil, math.NaN()
	}
	return c.predict(text, true)
}

// errZeroLinear is Classify's error for a LinearClassifier not trained or
// read.
var errZeroLinear = errors.New("llmrouter: LinearClassifier not trained or read (its zero value knows no models)")

// predict is Predict, by gather when stream is false.
func (c *LinearClassifier) predict(text string, stream bool) (quality []float64, difficulty float64) {
	b := counterPool.Get().(*bucketCounter)
	defer counterPool.Put(b)
	acc := make([]float32, len(c.outputs))
	c.scores(b, nil, &Features{Text: text}, acc, stream)
	quality = make([]float64, c.models)
	for i := range quality {
		quality[i] = clamp01(float64(acc[i]))
	}
	difficulty = math.NaN()
	if c.hasDiff {
		difficulty = clamp01((1 + float64(acc[len(acc)-1])) / 2)
	}
	return quality, difficulty
}

// scores computes the raw (unclamped) outputs into acc, by the stream
// where it may, else (or when stream is false) by gather.
func (c *LinearClassifier) scores(b *bucketCounter, ngrams []uint32, f *Features, acc []float32, stream bool) {
	if len(ngrams) == 0 && f.Text != "" {
		b.scratch = hashNGrams(b.scratch[:0], scanWindow(f.Text), c.cfg.MaxWords)
		ngrams = b.scratch
	}
	if ngrams = linear.ClipNGrams(ngrams, c.cfg.MaxWords); stream && c.canStream(len(ngrams)) {
		c.streamScores(ngrams, acc)
	} else if len(ngrams) <= gatherBigMax {
		c.gatherScoresBig(&b.gather, ngrams, acc)
	} else {
		b.Count(ngrams, c.cfg.HashBits, c.cfg.MaxWords)
		c.accumulate(b.Keys, b.Counts, b.Used, acc)
		b.Clear()
	}
	c.finish(f, acc)
}

// accumulate sets acc to the n-gram block's contribution: the dot product
// of the unit-length (1 + ln count)·idf vector of the counted buckets with
// each output's weights.
func (c *LinearClassifier) accumulate(keys, counts []uint32, used []int32, acc []float32) {
	for o := range acc {
		acc[o] = 0
	}
	var norm float32
	st := c.stride
	for _, slot := range used {
		row := c.row(keys[slot]-1, st)
		v := linear.TF(counts[slot]) * row[0]
		norm += v * v
		w := row[1:]
		for o := range acc {
			acc[o] += v * w[o]
		}
	}
	if norm > 0 {
		inv := float32(1 / math.Sqrt(float64(norm)))
		for o := range acc {
			acc[o] *= inv
		}
	}
}

// finish adds the biases and the dense block to acc, from the counts the
// DefaultAnalyzer left in f, else from f.Text.
func (c *LinearClassifier) finish(f *Features, acc []float32) {
	for o := range acc {
		acc[o] += c.bias[o]
	}
	if c.cfg.DenseWeight == 0 {
		return
	}
	var d [numDense]float64
	if counts, ok := f.countsFor(); ok {
		counts.dense(len(f.Text), &d)
	} else {
		denseSignals(f.Text, &d)
	}
	no := len(c.outputs)
	for k := 0; k < numDense; k++ {
		z := (float32(d[k]) - c.dmean[k]) * c.dscale[k]
		w := c.dense[k*no : k*no+no]
		for o := range acc {
			acc[o] += z * w[o]
		}
	}
}

// row returns a bucket's idf and weights.
func (c *LinearClassifier) row(bucket uint32, st int) []float32 {
	if c.sparse != nil {
		return c.sparse.row(bucket)
	}
	i := int(bucket) * st
	return c.table[i : i+st]
}

// newLinearClassifier allocates a classifier's tables.
func newLinearClassifier(cfg linearConfig, models []string, hasDiff bool, ref string) *LinearClassifier {
	c := newLinearHead(cfg, models, hasDiff, ref)
	c.table = make([]float32, (1<<cfg.HashBits)*c.stride)
	return c
}

// newLinearHead allocates a classifier without its bucket table.
func newLinearHead(cfg linearConfig, models []string, hasDiff bool, ref string) *LinearClassifier {
	outs := append([]string(nil), models...)
	if hasDiff {
		outs = append(outs, "")
	}
	c := &LinearClassifier{
		cfg:     cfg,
		outputs: outs,
		models:  len(models),
		hasDiff: hasDiff,
		ref:     ref,
		stride:  1 + len(outs),
		dense:   make([]float32, numDense*len(outs)),
		bias:    make([]float32, len(outs)),
		index:   make(map[string]int, len(models)),
	}
	for i, m := range models {
		c.index[m] = i
	}
	return c
}

// setIDF sets every bucket's idf: maxIDF where idf is nil (or IDF is off:
// 1 everywhere).
func (c *LinearClassifier) setIDF(idf []float32, maxIDF float32) {
	c.maxIDF = maxIDF
	n := 1 << c.cfg.HashBits
	for b := 0; b < n; b++ {
		v := float32(1)
		if c.cfg.IDF {
			v = maxIDF
			if idf != nil {
				v = idf[b]
			}
		}
		c.table[b*c.stride] = v
	}
}
