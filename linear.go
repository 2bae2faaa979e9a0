package llmrouter

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
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
// concurrent use; Classify does not allocate.
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

// LinearDenseFeatures names the dense text signals of a LinearClassifier,
// in order. They are counted by one byte pass over the first MaxScanBytes
// of the text (ASCII classes; every byte ≥ 0x80 counts as a letter) — the
// DefaultAnalyzer's own pass, or the classifier's when the features come
// from another analyzer — so training and serving agree exactly. For a
// longer text the counts are scaled by bytes / MaxScanBytes (log_bytes is
// exact):
//
//	log_bytes       ln(1 + bytes)
//	log_words       ln(1 + words), a word being a run of letters and digits
//	digit_share     digits / (bytes + 1)
//	log_numbers     ln(1 + runs of digits)
//	log_math        ln(1 + count of + - * / = ^ < > % $ \)
//	log_questions   ln(1 + count of ?)
//	log_lines       ln(1 + count of newlines)
//	log_code        ln(1 + count of { } ; ( ) [ ] + 5 per ``` fence)
//	upper_share     ASCII upper-case letters / (bytes + 1)
//	bytes_per_word  bytes / (words + 1)
var LinearDenseFeatures = [numDense]string{
	"log_bytes", "log_words", "digit_share", "log_numbers", "log_math",
	"log_questions", "log_lines", "log_code", "upper_share", "bytes_per_word",
}

const numDense = linear.NumDense

// byte classes for denseSignals.
const (
	linWord  = 1 << iota // letter, digit or non-ASCII byte
	linDigit             // 0-9
	linUpper             // A-Z
	linMath              // + - * / = ^ < > % $ \
	linCode              // { } ; ( ) [ ]
)

var linByteClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		switch {
		case c >= '0' && c <= '9':
			t[c] = linWord | linDigit
		case c >= 'A' && c <= 'Z':
			t[c] = linWord | linUpper
		case c >= 'a' && c <= 'z', c >= 0x80:
			t[c] = linWord
		}
	}
	for _, c := range "+-*/=^<>%$\\" {
		t[c] |= linMath
	}
	for _, c := range "{};()[]" {
		t[c] |= linCode
	}
	return t
}()

// denseSignals computes LinearDenseFeatures of text into d: from the
// first MaxScanBytes (scanWindow), its counts scaled to the whole text.
func denseSignals(text string, d *[numDense]float64) {
	c := countDense(text)
	c.dense(len(text), d)
}

// countDense counts, in one byte pass over scanWindow(text), what
// LinearDenseFeatures are made of. The DefaultAnalyzer's scanText counts
// the same in its own pass (textCounts); TestDenseCounts holds them equal.
func countDense(text string) textCounts {
	text = scanWindow(text)
	var words, digits, numbers, mathc, questions, lines, code, upper, fences int
	inWord, inNum := false, false
	for i := 0; i < len(text); i++ {
		c := text[i]
		k := linByteClass[c]
		if k == linWord { // a run of lower-case or non-ASCII letters: most bytes
			if !inWord {
				words++
				inWord = true
			}
			inNum = false
			for i+1 < len(text) && linByteClass[text[i+1]] == linWord {
				i++
			}
			continue
		}
		w := k&linWord != 0
		if w && !inWord {
			words++
		}
		inWord = w
		dg := k&linDigit != 0
		if dg {
			digits++
			if !inNum {
				numbers++
			}
		}
		inNum = dg
		if k&(linMath|linCode|linUpper) != 0 {
			switch {
			case k&linMath != 0:
				mathc++
			case k&linCode != 0:
				code++
			default:
				upper++
			}
			continue
		}
		switch c {
		case '?':
			questions++
		case '\n':
			lines++
		case '`':
			if i+2 < len(text) && text[i+1] == '`' && text[i+2] == '`' {
				fences++
				i += 2
				inWord, inNum = false, false
			}
		}
	}
	return textCounts{
		scanned: int32(len(text)), words: int32(words), digits: int32(digits), numbers: int32(numbers),
		mathc: int32(mathc), questions: int32(questions), lines: int32(lines), code: int32(code),
		upper: int32(upper), fences: int32(fences),
	}
}

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
	return c.predict(text, true)
}

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

// The saved-model format of a LinearClassifier, version 1 (little-endian):
//
//	magic    8 bytes  "LLMRLIN\x00"
//	version  uint32   LinearFormatVersion
//	hlen     uint32   length of the header
//	header   hlen bytes of JSON: format, version, n-gram hash and TF
//	         scheme, the feature configuration, the dense feature names with their
//	         training mean and standard deviation and weights, the model
//	         names, the difficulty head, biases, the idf of unseen buckets,
//	         the number of stored buckets and LinearInfo
//	buckets  that many records, ascending by bucket: uint32 bucket,
//	         float32 idf, then one float32 weight per output (the models
//	         in header order, then the difficulty head if any)
//	crc      uint32   CRC-32 (IEEE) of every byte before it
//
// Buckets never seen in training are not stored: their weights are 0 and
// their idf is the header's max_idf. A reader refuses a file whose magic,
// version, n-gram hash, TF scheme, dense feature list, sizes or checksum it
// does not know, naming the problem.
const LinearFormatVersion = 1

const (
	linearMagic     = "LLMRLIN\x00"
	linearFormat    = "llmrouter-linear"
	linearNGramHash = "HashNGrams: FNV-1a 32-bit word unigrams and bigrams, lower-cased; bucket = hash mod 2^hash_bits"
	linearTF        = "(1 + ln count) × idf, n-gram block L2-normalised"
)

type linearHeader struct {
	Format        string       `json:"format"`
	Version       int          `json:"version"`
	NGramHash     string       `json:"ngram_hash"`
	TF            string       `json:"tf"`
	Config        linearConfig `json:"config"`
	MaxIDF        float32      `json:"max_idf"`
	DenseFeatures []string     `json:"dense_features"`
	DenseMean     []float32    `json:"dense_mean"`
	DenseStd      []float32    `json:"dense_std"`
	DenseWeights  [][]float32  `json:"dense_weights"` // [feature][output]
	Models        []string     `json:"models"`
	Difficulty    bool         `json:"difficulty"`
	Reference     string       `json:"reference,omitempty"`
	Bias          []float32    `json:"bias"`
	Buckets       int          `json:"buckets"`
	Info          LinearInfo   `json:"info"`
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// WriteTo writes the classifier in the saved-model format (see
// LinearFormatVersion). It implements io.WriterTo.
func (c *LinearClassifier) WriteTo(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	bw := bufio.NewWriter(cw)
	crc := crc32.NewIEEE()
	mw := io.MultiWriter(bw, crc)

	no := len(c.outputs)
	var buckets []uint32
	c.eachRow(func(b uint32, row []float32) {
		stored := c.cfg.IDF && row[0] != c.maxIDF
		for _, v := range row[1:] {
			if v != 0 {
				stored = true
			}
		}
		if stored {
			buckets = append(buckets, b)
		}
	})
	h := linearHeader{
		Format: linearFormat, Version: LinearFormatVersion, NGramHash: linearNGramHash, TF: linearTF,
		Config: c.cfg, MaxIDF: c.maxIDF, DenseFeatures: LinearDenseFeatures[:],
		Models: c.outputs[:c.models], Difficulty: c.hasDiff, Reference: c.ref,
		Bias: c.bias, Buckets: len(buckets), Info: c.info,
	}
	h.DenseMean = c.dmean[:]
	h.DenseStd = make([]float32, numDense)
	for k := range h.DenseStd {
		if c.dscale[k] != 0 {
			h.DenseStd[k] = float32(c.cfg.DenseWeight) / c.dscale[k]
		}
	}
	h.DenseWeights = make([][]float32, numDense)
	for k := range h.DenseWeights {
		h.DenseWeights[k] = c.dense[k*no : k*no+no]
	}
	hdr, err := json.Marshal(h)
	if err != nil {
		return 0, err
	}
	if len(hdr) > maxHeaderBytes {
		return 0, fmt.Errorf("llmrouter: linear classifier header is %d bytes, over the %d a reader accepts (too many models or too long a note)", len(hdr), maxHeaderBytes)
	}
	var buf [8]byte
	mw.Write([]byte(linearMagic))
	binary.LittleEndian.PutUint32(buf[:4], LinearFormatVersion)
	binary.LittleEndian.PutUint32(buf[4:], uint32(len(hdr)))
	mw.Write(buf[:8])
	mw.Write(hdr)
	rec := make([]byte, 4*(1+c.stride))
	for _, b := range buckets {
		binary.LittleEndian.PutUint32(rec, b)
		for i, v := range c.row(b, c.stride) {
			binary.LittleEndian.PutUint32(rec[4+4*i:], math.Float32bits(v))
		}
		mw.Write(rec)
	}
	binary.LittleEndian.PutUint32(buf[:4], crc.Sum32())
	bw.Write(buf[:4])
	err = bw.Flush()
	return cw.n, err
}

// Save writes the classifier to a file (see WriteTo); ReadLinearClassifier
// reads it back from the opened file.
func (c *LinearClassifier) Save(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := c.WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("llmrouter: saving linear classifier to %s: %w", path, err)
	}
	return f.Close()
}
