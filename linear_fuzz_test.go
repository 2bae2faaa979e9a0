package llmrouter_test

import (
	"bytes"
	"encoding/binary"
	"io"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/train"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzReadLinearClassifier feeds the model reader arbitrary files, each
// also with its checksum made right (so mutated headers get past the
// checksum, as a crafted file would), through a reader that tells its
// size and one that does not. No input may panic or allocate more than
// the documented bound; a file that loads must write back a file that
// loads to the same bytes.
//
// CI runs it for 10 s (.ci/run). At length, by hand:
//
//	go test -run '^$' -fuzz '^FuzzReadLinearClassifier$' -fuzztime 10m -fuzzminimizetime 100x -parallel 1 .
//
// (without -fuzzminimizetime the fuzzer may spend a minute minimizing
// each new interesting input before it fuzzes on).
// Failing inputs are saved under testdata/fuzz/FuzzReadLinearClassifier
// and then replayed by every `go test`.
func FuzzReadLinearClassifier(f *testing.F) {
	// Small seeds (2-3 KB): the fuzzer minimizes every input that finds
	// new coverage, and that takes long on large ones.
	tiny := func(bits int, idf train.IDFMode, diff bool) []byte {
		c, err := train.Linear(synthDataset(5), train.Options{
			Lambdas: []float64{1}, IDF: idf, HashBits: bits, Difficulty: diff})
		require.NoError(f, err)
		var b bytes.Buffer
		_, err = c.WriteTo(&b)
		require.NoError(f, err)
		return b.Bytes()
	}
	good := tiny(8, train.IDFOn, true) // loads dense
	f.Add(good)
	f.Add(tiny(16, train.IDFOff, false)) // loads sparse
	f.Add(good[:40])
	// Checksummed headers declaring far more than the file holds, or a
	// table far larger than the file.
	f.Add(craftModel(f, good, manyModels(24, 40, 1<<24), nil))
	f.Add(craftModel(f, good, manyModels(24, 40, 0), nil))
	f.Add(craftModel(f, good, manyModels(24, 3, 2), make([]byte, 2*4*5)))
	f.Add(craftModel(f, good, manyModels(8, 1, 256), make([]byte, 256*4*3)))
	// The headers that allocate most per byte (encoding/json's slices).
	hlen := binary.LittleEndian.Uint32(good[12:])
	for _, field := range []string{`"dense_weights":[`, `"models":[`} {
		hdr := strings.Replace(string(good[16:16+hlen]), field, field+strings.Repeat(`[],`, 300), 1)
		var b bytes.Buffer
		b.Write(good[:12])
		b.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(hdr))))
		b.WriteString(hdr)
		b.Write(good[16+hlen : len(good)-4])
		b.Write(binary.LittleEndian.AppendUint32(nil, crc(b.Bytes())))
		f.Add(b.Bytes())
	}

	f.Fuzz(readLinearChecked)
}

// readLinearChecked is the body of FuzzReadLinearClassifier.
func readLinearChecked(t *testing.T, data []byte) {
	inputs := [][]byte{data}
	if len(data) >= 4 {
		fixed := bytes.Clone(data)
		binary.LittleEndian.PutUint32(fixed[len(fixed)-4:], crc(fixed[:len(fixed)-4]))
		inputs = append(inputs, fixed)
	}
	for _, in := range inputs {
		bound := uint64(llmrouter.ReadAllocFactor*len(in) + llmrouter.ReadAllocBase)
		for _, r := range []io.Reader{bytes.NewReader(in), struct{ io.Reader }{bytes.NewReader(in)}} {
			var c *llmrouter.LinearClassifier
			var err error
			n := allocated(func() { c, err = llmrouter.ReadLinearClassifier(r) })
			require.LessOrEqual(t, n, bound, "reading a %d-byte file allocated %d bytes", len(in), n)
			if err != nil {
				require.ErrorIs(t, err, llmrouter.ErrBadModel)
				continue
			}
			c.Predict("prove the integral of x")
			var out, again bytes.Buffer
			_, err = c.WriteTo(&out)
			require.NoError(t, err)
			d, err := llmrouter.ReadLinearClassifier(bytes.NewReader(out.Bytes()))
			require.NoError(t, err)
			_, err = d.WriteTo(&again)
			require.NoError(t, err)
			assert.Equal(t, out.Bytes(), again.Bytes())
		}
	}
}
