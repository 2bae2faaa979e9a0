package verify

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
)

// The saved-verifier format, little-endian:
//
//	8 bytes  magic "LLMRVRF\x00"
//	uint32   format version (FormatVersion)
//	uint32   header length h (at most maxHeaderBytes)
//	h bytes  JSON header (fileHeader)
//	8×(features+1) bytes  float64 weights, one per feature in the header's
//	         order, then the bias
//	uint32   CRC-32 (IEEE) of every byte before it
//
// A reader allocates at most the header (bounded) and a fixed number of
// weights: the feature list must equal this build's, whatever the file says.

// FormatVersion is the version of the saved-verifier format this build
// reads and writes.
const FormatVersion = 1

const (
	magic          = "LLMRVRF\x00"
	maxHeaderBytes = 64 << 10
	maxQuantiles   = 1001
	// maxWeight bounds a weight or the bias: a trained verifier's are
	// below 10 (the default's largest is 4.4); far larger finite ones, of
	// both signs, sum to +Inf and -Inf, and a NaN score no cutoff rejects.
	maxWeight = 1e6
)

// ErrBadModel is wrapped by every error Read returns for a file that is not
// a verifier this build can read.
var ErrBadModel = errors.New("verify: bad verifier file")

func bad(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadModel, fmt.Sprintf(format, args...))
}

type fileHeader struct {
	FeatureSet string    `json:"feature_set"`
	Features   []string  `json:"features"`
	Cutoff     float64   `json:"cutoff"`
	Quantiles  []float64 `json:"quantiles"`
	Info       Info      `json:"info"`
}

// WriteTo writes m in the saved-verifier format.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	fs := featureSet
	if m.dense1 {
		fs = featureSet1
	}
	h := fileHeader{FeatureSet: fs, Features: featureNames[:], Cutoff: m.cutoff, Quantiles: m.quantiles, Info: m.info}
	hdr, err := json.Marshal(h)
	if err != nil {
		return 0, err
	}
	var buf bytes.Buffer
	buf.WriteString(magic)
	_ = binary.Write(&buf, binary.LittleEndian, uint32(FormatVersion))
	_ = binary.Write(&buf, binary.LittleEndian, uint32(len(hdr)))
	buf.Write(hdr)
	_ = binary.Write(&buf, binary.LittleEndian, m.w)
	_ = binary.Write(&buf, binary.LittleEndian, m.bias)
	_ = binary.Write(&buf, binary.LittleEndian, crc32.ChecksumIEEE(buf.Bytes()))
	n, err := w.Write(buf.Bytes())
	return int64(n), err
}

// Save writes m to path (see WriteTo).
func (m *Model) Save(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := m.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Load reads a verifier saved by Save; errors name the file.
func Load(path string) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// Read reads a verifier in the saved-verifier format. Errors wrap
// ErrBadModel and say what is wrong: not a verifier file, a newer format
// version, a feature set other than verify-dense-2 (what this build
// trains) or verify-dense-1 (earlier builds'; such a model scores as it
// did there and saves as verify-dense-1), a header over 64 KiB, values out
// of range (a weight beyond ±1e6), truncation or a checksum mismatch. The file is untrusted: Read
// allocates at most the 64 KiB header and a fixed number of weights,
// whatever the file declares, and reads no further than the checksum.
func Read(r io.Reader) (*Model, error) {
	if r == nil {
		return nil, bad("nil reader")
	}
	crc := crc32.NewIEEE()
	tr := io.TeeReader(bufio.NewReader(r), crc)
	var pre [16]byte
	if _, err := io.ReadFull(tr, pre[:]); err != nil {
		return nil, bad("too short to be a verifier (%v)", err)
	}
	if string(pre[:8]) != magic {
		return nil, bad("not a verifier file (bad magic %q)", pre[:8])
	}
	if v := binary.LittleEndian.Uint32(pre[8:]); v != FormatVersion {
		if v > FormatVersion {
			return nil, bad("format version %d is newer than this build reads (%d): upgrade llmrouter", v, FormatVersion)
		}
		return nil, bad("unknown format version %d (this build reads %d)", v, FormatVersion)
	}
	hlen := binary.LittleEndian.Uint32(pre[12:])
	if hlen > maxHeaderBytes {
		return nil, bad("header length %d over the limit of %d bytes", hlen, maxHeaderBytes)
	}
	hdr, err := io.ReadAll(io.LimitReader(tr, int64(hlen)))
	if err == nil && len(hdr) < int(hlen) {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, bad("truncated header (%v)", err)
	}
	var h fileHeader
	if err := json.Unmarshal(hdr, &h); err != nil {
		return nil, bad("header: %v", err)
	}
	if h.FeatureSet != featureSet && h.FeatureSet != featureSet1 {
		return nil, bad("feature set %q; this build computes %q or %q: retrain the verifier", h.FeatureSet, featureSet, featureSet1)
	}
	if len(h.Features) != numFeatures {
		return nil, bad("header names %d features; feature set %s has %d", len(h.Features), featureSet, numFeatures)
	}
	for i, n := range h.Features {
		if n != featureNames[i] {
			return nil, bad("feature %d is %q; this build's is %q", i, n, featureNames[i])
		}
	}
	if math.IsNaN(h.Cutoff) || math.IsInf(h.Cutoff, 0) {
		return nil, bad("cutoff %v is not finite", h.Cutoff)
	}
	if len(h.Quantiles) > maxQuantiles {
		return nil, bad("%d quantiles, over the limit of %d", len(h.Quantiles), maxQuantiles)
	}
	for i, q := range h.Quantiles {
		if math.IsNaN(q) || q < 0 || q > 1 || i > 0 && q < h.Quantiles[i-1] {
			return nil, bad("quantile %d (%v) outside [0,1] or out of order", i, q)
		}
	}
	m := &Model{memo: new(promptMemo), cutoff: h.Cutoff, quantiles: h.Quantiles, info: h.Info, dense1: h.FeatureSet == featureSet1}
	var wts [8 * (numFeatures + 1)]byte
	if _, err := io.ReadFull(tr, wts[:]); err != nil {
		return nil, bad("truncated weights (%v)", err)
	}
	for i := 0; i <= numFeatures; i++ {
		v := math.Float64frombits(binary.LittleEndian.Uint64(wts[8*i:]))
		if !(math.Abs(v) <= maxWeight) {
			return nil, bad("weight %d is %v, outside ±%g", i, v, float64(maxWeight))
		}
		if i < numFeatures {
			m.w[i] = v
		} else {
			m.bias = v
		}
	}
	sum := crc.Sum32()
	var tail [4]byte
	if _, err := io.ReadFull(tr, tail[:]); err != nil {
		return nil, bad("truncated checksum (%v)", err)
	}
	if got := binary.LittleEndian.Uint32(tail[:]); got != sum {
		return nil, bad("checksum mismatch (file says %08x, content gives %08x): the file is corrupt", got, sum)
	}
	return m, nil
}
