package llmrouter

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"math"
)

// Limits of ReadLinearClassifier. A model file is untrusted input: its
// header declares sizes (hash_bits, models, buckets) that would make a
// naive reader allocate gigabytes for a file of a few kilobytes, so every
// allocation is bounded by the bytes the file holds, checked before
// allocating.
const (
	// maxHeaderBytes bounds the JSON header: about 3,500 models.
	maxHeaderBytes = 1 << 20
	// readAllocFactor and readAllocBase bound the memory
	// ReadLinearClassifier allocates: at most readAllocFactor times the
	// bytes of the file plus readAllocBase, whatever the file declares
	// (FuzzReadLinearClassifier checks it).
	readAllocFactor = 64
	readAllocBase   = 1 << 20
	// denseFloor: a loaded model keeps a dense table of every bucket when
	// it is at most this size or denseFactor times its stored rows;
	// otherwise only the stored rows, found by hashing.
	denseFloor  = 256 << 10
	denseFactor = 4
	// unsizedChunk is how many bytes of bucket records are allocated
	// ahead when the reader cannot tell how many bytes follow.
	unsizedChunk = 64 << 10
)

func badModel(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadModel, fmt.Sprintf(format, args...))
}

// ReadLinearClassifier reads a classifier in the saved-model format (see
// LinearFormatVersion). Errors wrap ErrBadModel and say what is wrong: not
// a model file, a newer format version, a different n-gram hash, TF scheme
// or dense feature set, sizes out of range, truncation, or a checksum
// mismatch.
//
// Model files are treated as untrusted: ReadLinearClassifier allocates at
// most 64 times the file's size plus 1 MiB, whatever its header declares, and a header over 1 MiB is
// refused. When r knows how many bytes it holds (it has a Len method, as
// *bytes.Reader does, or is an io.Seeker, as *os.File is), a header or
// bucket count larger than the rest of the file is refused before
// anything is read, naming the field, what it declares and what the file
// holds; otherwise memory grows only as records arrive. A model whose
// table of every bucket (2^hash_bits × (outputs+1) float32s) would be much
// larger than its stored buckets is kept sparse: only the stored rows, at
// a cost of a hash probe per n-gram in Classify.
func ReadLinearClassifier(r io.Reader) (*LinearClassifier, error) {
	if r == nil {
		return nil, badModel("nil reader")
	}
	size, sized := remainingBytes(r)
	crc := crc32.NewIEEE()
	br := bufio.NewReader(r)
	tr := io.TeeReader(br, crc)
	var pre [16]byte
	if _, err := io.ReadFull(tr, pre[:]); err != nil {
		return nil, badModel("too short to be a linear classifier model (%v)", err)
	}
	if string(pre[:8]) != linearMagic {
		return nil, badModel("not a linear classifier model (bad magic %q)", pre[:8])
	}
	if v := binary.LittleEndian.Uint32(pre[8:]); v != LinearFormatVersion {
		if v > LinearFormatVersion {
			return nil, badModel("format version %d is newer than this build reads (%d): upgrade llmrouter", v, LinearFormatVersion)
		}
		return nil, badModel("unknown format version %d (this build reads %d)", v, LinearFormatVersion)
	}
	hlen := int64(binary.LittleEndian.Uint32(pre[12:]))
	if hlen > maxHeaderBytes {
		return nil, badModel("header length: the file declares %d bytes, over the limit of %d", hlen, maxHeaderBytes)
	}
	size -= 16
	if sized && hlen > size {
		return nil, badModel("truncated or inconsistent: header length: the file declares %d bytes but holds only %d after the 16-byte preamble", hlen, size)
	}
	// Without a known size, read the header in growing chunks, so a
	// truncated file costs only what it holds.
	var hdr []byte
	var err error
	if sized {
		hdr = make([]byte, hlen)
		_, err = io.ReadFull(tr, hdr)
	} else if hdr, err = io.ReadAll(io.LimitReader(tr, hlen)); err == nil && int64(len(hdr)) < hlen {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, badModel("truncated header (%v)", err)
	}
	size -= hlen
	var h linearHeader
	if err := json.Unmarshal(hdr, &h); err != nil {
		return nil, badModel("header: %v", err)
	}
	if err := h.check(); err != nil {
		return nil, err
	}
	c := newLinearHead(h.Config, h.Models, h.Difficulty, h.Reference)
	c.info = h.Info
	c.maxIDF = h.MaxIDF
	st := c.stride
	recLen := int64(4 * (1 + st))
	if need := int64(h.Buckets) * recLen; sized && need+4 > size {
		return nil, badModel("truncated or inconsistent: buckets: the header declares %d buckets of %d bytes (%d bytes, then a 4-byte checksum) but the file holds only %d bytes after the header",
			h.Buckets, recLen, need, size)
	}
	room := h.Buckets
	if !sized {
		room = min(room, unsizedChunk/int(recLen))
	}
	keys := make([]uint32, 0, room)
	vals := make([]float32, 0, room*st)
	rec := make([]byte, recLen)
	prev := -1
	for i := 0; i < h.Buckets; i++ {
		if _, err := io.ReadFull(tr, rec); err != nil {
			return nil, badModel("truncated: bucket %d of %d (%v)", i, h.Buckets, err)
		}
		b := int(binary.LittleEndian.Uint32(rec))
		if b >= 1<<c.cfg.HashBits || b <= prev {
			return nil, badModel("bucket %d out of order or range (hash_bits %d)", b, c.cfg.HashBits)
		}
		prev = b
		keys = append(keys, uint32(b))
		for j := 0; j < st; j++ {
			v := math.Float32frombits(binary.LittleEndian.Uint32(rec[4+4*j:]))
			if v != v || math.IsInf(float64(v), 0) {
				return nil, badModel("bucket %d: non-finite value", b)
			}
			vals = append(vals, v)
		}
	}
	want := crc.Sum32()
	var tail [4]byte
	if _, err := io.ReadFull(br, tail[:]); err != nil {
		return nil, badModel("truncated: missing checksum (%v)", err)
	}
	if got := binary.LittleEndian.Uint32(tail[:]); got != want {
		return nil, badModel("checksum mismatch (file %08x, content %08x): the file is corrupt", got, want)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		return nil, badModel("trailing bytes after the checksum")
	}

	no := len(c.outputs)
	copy(c.bias, h.Bias)
	for k := 0; k < numDense; k++ {
		c.dmean[k] = h.DenseMean[k]
		if h.DenseStd[k] > 0 {
			c.dscale[k] = float32(h.Config.DenseWeight) / h.DenseStd[k]
		}
		copy(c.dense[k*no:k*no+no], h.DenseWeights[k])
	}
	if dense := (int64(1) << c.cfg.HashBits) * int64(st) * 4; dense > max(denseFloor, denseFactor*4*int64(len(vals))) {
		c.sparse = newSparseRows(keys, vals, st, c.unseenRow())
		return c, nil
	}
	c.table = make([]float32, (1<<c.cfg.HashBits)*st)
	c.setIDF(nil, h.MaxIDF)
	for i, b := range keys {
		copy(c.table[int(b)*st:int(b)*st+st], vals[i*st:i*st+st])
	}
	return c, nil
}

// remainingBytes returns how many bytes r holds from its current
// position, when r can tell without reading.
func remainingBytes(r io.Reader) (int64, bool) {
	switch v := r.(type) {
	case interface{ Len() int }: // *bytes.Reader, *strings.Reader, *bytes.Buffer
		return int64(v.Len()), true
	case io.Seeker: // *os.File; a pipe fails to seek
		cur, err := v.Seek(0, io.SeekCurrent)
		if err != nil {
			return 0, false
		}
		end, err := v.Seek(0, io.SeekEnd)
		if _, err2 := v.Seek(cur, io.SeekStart); err != nil || err2 != nil || end < cur {
			return 0, false
		}
		return end - cur, true
	}
	return 0, false
}

// check validates a header against what this build computes. Sizes are
// compared before anything is built from the lists.
func (h *linearHeader) check() error {
	switch {
	case h.Format != linearFormat:
		return badModel("format %q, want %q", h.Format, linearFormat)
	case h.Version != LinearFormatVersion:
		return badModel("header version %d, want %d", h.Version, LinearFormatVersion)
	case h.NGramHash != linearNGramHash:
		return badModel("model uses n-gram hash %q; this build computes %q", h.NGramHash, linearNGramHash)
	case h.TF != linearTF:
		return badModel("model uses term weighting %q; this build computes %q", h.TF, linearTF)
	case h.Config.HashBits < minLinearHashBits || h.Config.HashBits > maxLinearHashBits:
		return badModel("hash_bits %d outside [%d, %d]", h.Config.HashBits, minLinearHashBits, maxLinearHashBits)
	case h.Config.MaxWords <= 0:
		return badModel("max_words %d, want > 0", h.Config.MaxWords)
	case len(h.Models) == 0 && !h.Difficulty:
		return badModel("no models and no difficulty head")
	case h.Buckets < 0 || h.Buckets > 1<<h.Config.HashBits:
		return badModel("%d buckets for hash_bits %d", h.Buckets, h.Config.HashBits)
	case !(h.MaxIDF > 0) || math.IsInf(float64(h.MaxIDF), 0):
		return badModel("max_idf %v, want a positive number", h.MaxIDF)
	case !(h.Config.DenseWeight >= 0) || math.IsInf(h.Config.DenseWeight, 0):
		return badModel("dense_weight %v, want ≥ 0", h.Config.DenseWeight)
	}
	if len(h.DenseFeatures) != numDense {
		return badModel("model has %d dense features; this build computes %d %v", len(h.DenseFeatures), numDense, LinearDenseFeatures)
	}
	for k, name := range h.DenseFeatures {
		if name != LinearDenseFeatures[k] {
			return badModel("dense feature %d is %q; this build computes %q there", k, name, LinearDenseFeatures[k])
		}
	}
	no := len(h.Models)
	if h.Difficulty {
		no++
	}
	if len(h.Bias) != no || len(h.DenseMean) != numDense || len(h.DenseStd) != numDense || len(h.DenseWeights) != numDense {
		return badModel("sizes do not match: %d outputs, %d biases, %d/%d/%d dense rows", no, len(h.Bias), len(h.DenseMean), len(h.DenseStd), len(h.DenseWeights))
	}
	for k, row := range h.DenseWeights {
		if len(row) != no {
			return badModel("dense feature %d has %d weights for %d outputs", k, len(row), no)
		}
	}
	seen := make(map[string]bool, len(h.Models))
	for _, m := range h.Models {
		if m == "" || seen[m] {
			return badModel("empty or repeated model name %q", m)
		}
		seen[m] = true
	}
	return nil
}
