package llmrouter_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/train"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// smallModel is a valid saved model: two models, difficulty head, 2^12
// buckets.
func smallModel(t testing.TB) []byte {
	t.Helper()
	c := trainSynth(t, train.Options{Lambdas: []float64{1}, IDF: train.IDFOn, HashBits: 12, Difficulty: true})
	var buf bytes.Buffer
	_, err := c.WriteTo(&buf)
	require.NoError(t, err)
	return buf.Bytes()
}

// craftModel rewrites the header of the valid model file good — edit
// changes the decoded header — and appends body (bucket records) and a
// correct checksum, computed as the writer does, so that the file passes
// every check a reader makes before it trusts the header's sizes.
func craftModel(t testing.TB, good []byte, edit func(h map[string]any), body []byte) []byte {
	t.Helper()
	hlen := binary.LittleEndian.Uint32(good[12:])
	var h map[string]any
	require.NoError(t, json.Unmarshal(good[16:16+hlen], &h))
	edit(h)
	hdr, err := json.Marshal(h)
	require.NoError(t, err)
	var out bytes.Buffer
	out.Write(good[:12])
	binary.Write(&out, binary.LittleEndian, uint32(len(hdr)))
	out.Write(hdr)
	out.Write(body)
	binary.Write(&out, binary.LittleEndian, crc(out.Bytes()))
	return out.Bytes()
}

// manyModels sets the header to n models (no difficulty head) with
// hash_bits bits and the given number of declared buckets.
func manyModels(bits, n, buckets int) func(h map[string]any) {
	return func(h map[string]any) {
		names := make([]string, n)
		zeros := make([]float32, n)
		for i := range names {
			names[i] = fmt.Sprintf("m%d", i)
		}
		rows := make([][]float32, len(llmrouter.LinearDenseFeatures))
		for k := range rows {
			rows[k] = zeros
		}
		h["config"].(map[string]any)["hash_bits"] = bits
		h["models"], h["bias"], h["dense_weights"] = names, zeros, rows
		h["difficulty"], h["reference"] = false, ""
		h["buckets"] = buckets
	}
}

// allocated returns the bytes allocated by f (every goroutine's).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestReadLinearClassifierCraftedSizes: a small file whose checksummed
// header declares a huge table must fail fast, allocating little.
func TestReadLinearClassifierCraftedSizes(t *testing.T) {
	good := smallModel(t)
	tests := []struct {
		name string
		file []byte
		want string
	}{
		{"hash_bits 24, 300 models, 2^24 buckets declared, none stored",
			craftModel(t, good, manyModels(24, 300, 1<<24), nil),
			"buckets: the header declares 16777216 buckets of 1208 bytes (20266876928 bytes, then a 4-byte checksum) but the file holds only 4 bytes after the header"},
		{"hash_bits 24, 300 models, 1000 buckets declared, 3 stored",
			craftModel(t, good, manyModels(24, 300, 1000), make([]byte, 3*1208)),
			"buckets: the header declares 1000 buckets of 1208 bytes (1208000 bytes, then a 4-byte checksum) but the file holds only 3628 bytes after the header"},
		{"header length beyond the file",
			func() []byte {
				b := bytes.Clone(good)
				binary.LittleEndian.PutUint32(b[12:], 1<<20-1)
				return b
			}(),
			fmt.Sprintf("header length: the file declares 1048575 bytes but holds only %d after the 16-byte preamble", len(good)-16)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			n := allocated(func() { _, err = llmrouter.ReadLinearClassifier(bytes.NewReader(tt.file)) })
			require.ErrorIs(t, err, llmrouter.ErrBadModel)
			assert.Contains(t, err.Error(), tt.want)
			assert.Less(t, n, uint64(10<<20), "allocated %d bytes reading a %d-byte file", n, len(tt.file))
		})
	}
}

// TestReadLinearClassifierLargeTableSmallFile: a consistent file may
// declare many hash bits and models yet store few buckets; it loads, and
// memory follows the file, not 2^hash_bits × outputs.
func TestReadLinearClassifierLargeTableSmallFile(t *testing.T) {
	good := smallModel(t)
	rec := func(bucket uint32, n int) []byte { // bucket, idf 1, weights 0.5
		b := binary.LittleEndian.AppendUint32(nil, bucket)
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(1))
		for i := 0; i < n; i++ {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(0.5))
		}
		return b
	}
	tests := []struct {
		name   string
		file   []byte
		models int
	}{
		{"hash_bits 24, 300 models, no buckets", craftModel(t, good, manyModels(24, 300, 0), nil), 300},
		{"hash_bits 24, 3 models, 2 buckets", craftModel(t, good, manyModels(24, 3, 2), append(rec(7, 3), rec(1<<24-1, 3)...)), 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "m.bin")
			require.NoError(t, os.WriteFile(path, tt.file, 0o600))
			for name, read := range map[string]func() (*llmrouter.LinearClassifier, error){
				"bytes.Reader": func() (*llmrouter.LinearClassifier, error) {
					return llmrouter.ReadLinearClassifier(bytes.NewReader(tt.file))
				},
				"unsized": func() (*llmrouter.LinearClassifier, error) {
					return llmrouter.ReadLinearClassifier(struct{ io.Reader }{bytes.NewReader(tt.file)})
				},
				"file": func() (*llmrouter.LinearClassifier, error) { return loadLinear(path) },
			} {
				var c *llmrouter.LinearClassifier
				var err error
				n := allocated(func() { c, err = read() })
				require.NoError(t, err, name)
				assert.True(t, c.IsSparse(), name)
				assert.Less(t, n, uint64(10<<20), "%s: allocated %d bytes reading a %d-byte file", name, n, len(tt.file))
				q, _ := c.Predict("bucket seven")
				assert.Len(t, q, tt.models)
				// Written back, it reads back the same.
				var out, again bytes.Buffer
				_, err = c.WriteTo(&out)
				require.NoError(t, err)
				d, err := llmrouter.ReadLinearClassifier(bytes.NewReader(out.Bytes()))
				require.NoError(t, err, name)
				_, err = d.WriteTo(&again)
				require.NoError(t, err)
				assert.Equal(t, out.Bytes(), again.Bytes(), name)
				q2, _ := d.Predict("bucket seven")
				assert.Equal(t, q, q2, name)
			}
		})
	}
}

// TestLinearSparseMatchesDense: the same model loaded sparse and kept
// dense predicts the same, through Classify and Predict.
func TestLinearSparseMatchesDense(t *testing.T) {
	for _, bits := range []int{16, 20} {
		c := trainSynth(t, train.Options{Lambdas: []float64{1}, IDF: train.IDFOn, HashBits: bits, Difficulty: true})
		var buf bytes.Buffer
		_, err := c.WriteTo(&buf)
		require.NoError(t, err)
		d, err := llmrouter.ReadLinearClassifier(bytes.NewReader(buf.Bytes()))
		require.NoError(t, err)
		require.True(t, d.IsSparse(), "a %d-byte file of a 2^%d-bucket model loads sparse", buf.Len(), bits)
		models := []llmrouter.ModelCard{{Name: "strong"}, {Name: "weak"}, {Name: "other"}}
		for _, text := range []string{"prove the integral", linearPrompt1KB, "", "capital of this country", strings.Repeat("x y ", 400)} {
			q1, d1 := c.Predict(text)
			q2, d2 := d.Predict(text)
			assert.Equal(t, q1, q2, text)
			assert.Equal(t, d1, d2, text)
			p1 := llmrouter.Prediction{Quality: make([]float64, 3)}
			p2 := llmrouter.Prediction{Quality: make([]float64, 3)}
			require.NoError(t, c.Classify(context.Background(), analyzed(text), models, &p1))
			require.NoError(t, d.Classify(context.Background(), analyzed(text), models, &p2))
			assert.Equal(t, p1, p2, text)
		}
	}
}
