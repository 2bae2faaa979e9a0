package llmrouter

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
)

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
