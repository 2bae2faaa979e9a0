package verify

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// trainedSmall trains a verifier on a few synthetic answers.
func trainedSmall(t testing.TB) *Model {
	t.Helper()
	var ex []Example
	for i := 0; i < 40; i++ {
		e := Example{ID: strings.Repeat("x", i+1), Prompt: "How many meters does he run in 3 weeks of 60 meters?"}
		if i%2 == 0 {
			e.Answer, e.Label = "3 * 60 = 180\n#### 180", 0.2
		} else {
			e.Answer, e.Label = "He runs far, I think", 0.8
		}
		extract(e.Prompt, e.Answer, &e.x)
		ex = append(ex, e)
	}
	m, err := Train(ex, TrainOptions{Note: "test"})
	require.NoError(t, err)
	return m
}

func TestSaveLoadRoundTrip(t *testing.T) {
	m := trainedSmall(t)
	path := filepath.Join(t.TempDir(), "v.bin")
	require.NoError(t, m.Save(path))
	got, err := Load(path)
	require.NoError(t, err)
	assert.Equal(t, m, got)
	p := "How many meters?"
	assert.Greater(t, got.Score(p, "He runs far, I think"), got.Score(p, "3 * 60 = 180\n#### 180"))
	assert.Equal(t, m.Cutoff(), got.Cutoff())
}

func TestReadErrors(t *testing.T) {
	var buf bytes.Buffer
	_, err := trainedSmall(t).WriteTo(&buf)
	require.NoError(t, err)
	good := buf.Bytes()
	// reseal fixes the checksum after an edit, so the check under test is
	// the one that fires.
	reseal := func(b []byte) []byte {
		binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.ChecksumIEEE(b[:len(b)-4]))
		return b
	}
	edit := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	hdrEdit := func(old, new string) []byte {
		return edit(func(b []byte) []byte {
			h := int(binary.LittleEndian.Uint32(b[12:]))
			hdr := strings.Replace(string(b[16:16+h]), old, new, 1)
			out := append(append(append([]byte(nil), b[:12]...), binary.LittleEndian.AppendUint32(nil, uint32(len(hdr)))...), hdr...)
			return reseal(append(out, b[16+h:]...))
		})
	}
	tests := []struct {
		name string
		data []byte
		msg  string
	}{
		{"empty", nil, "too short"},
		{"bad magic", edit(func(b []byte) []byte { b[0] = 'X'; return b }), "bad magic"},
		{"newer version", edit(func(b []byte) []byte { b[8] = 9; return b }), "newer than this build"},
		{"huge header", edit(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[12:], 1<<31); return b }), "over the limit"},
		{"truncated header", good[:40], "truncated header"},
		{"truncated weights", good[:len(good)-20], "truncated"},
		{"checksum", edit(func(b []byte) []byte { b[len(b)-10] ^= 1; return b }), "checksum mismatch"},
		{"feature set", hdrEdit(featureSet, "verify-dense-0"), "retrain"},
		{"feature name", hdrEdit("answer_empty", "answer_emptx"), "feature 2"},
		{"quantile out of range", hdrEdit(`"quantiles":[`, `"quantiles":[7,`), "quantile 0"},
		{"bad JSON", hdrEdit(`"cutoff"`, `"cutoff`), "header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(bytes.NewReader(tt.data))
			require.ErrorIs(t, err, ErrBadModel)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
}

func TestDefaultLoads(t *testing.T) {
	m := Default()
	require.NotNil(t, m)
	assert.Equal(t, m, Default(), "loaded once")
	info := m.Info()
	assert.Greater(t, info.Rows, 1000)
	for _, p := range info.Pairs {
		assert.NotContains(t, strings.ToLower(p.Strong+p.Weak), "mt_bench")
	}
	assert.NotContains(t, strings.ToLower(info.Note), "mt-bench")
	assert.InDelta(t, 0.3, info.Share, 1e-9)
	// The cutoff for a share is monotone: more escalation, lower cutoff.
	assert.Greater(t, m.CutoffForShare(0.1), m.CutoffForShare(0.5))
	assert.Equal(t, 1.0, m.CutoffForShare(0))
}

// FuzzRead: no input makes Read panic, each input also tried with its
// checksum made right (so a mutated header or weight gets past the
// checksum, as a crafted file would); whatever it accepts scores in [0,1]
// on a few answers and writes a file that reads back and writes the same
// bytes; its allocation is bounded by the 64 KiB header limit.
//
//	go test -run '^$' -fuzz '^FuzzRead$' -fuzztime 90s ./verify
func FuzzRead(f *testing.F) {
	var buf bytes.Buffer
	_, _ = trainedSmall(f).WriteTo(&buf)
	f.Add(buf.Bytes())
	f.Add(defaultFile)
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, data []byte) {
		inputs := [][]byte{data}
		if len(data) >= 4 {
			fixed := bytes.Clone(data)
			binary.LittleEndian.PutUint32(fixed[len(fixed)-4:], crc32.ChecksumIEEE(fixed[:len(fixed)-4]))
			inputs = append(inputs, fixed)
		}
		for _, in := range inputs {
			m, err := Read(bytes.NewReader(in))
			if err != nil {
				require.ErrorIs(t, err, ErrBadModel)
				continue
			}
			for _, a := range []string{"2 + 2 = 4", "", "I cannot help with that.", strings.Repeat("word 12345 ", 3000)} {
				s := m.Score("What is 2 + 2?", a)
				require.True(t, s >= 0 && s <= 1, "score %v for %q", s, a)
			}
			var b1, b2 bytes.Buffer
			_, err = m.WriteTo(&b1)
			require.NoError(t, err)
			back, err := Read(bytes.NewReader(b1.Bytes()))
			require.NoError(t, err, "what WriteTo wrote must read back")
			_, err = back.WriteTo(&b2)
			require.NoError(t, err)
			require.Equal(t, b1.Bytes(), b2.Bytes())
		}
	})
}

func TestReadAllocationBounded(t *testing.T) {
	// A header that declares the maximum length but holds little costs no
	// more than what arrives.
	b := []byte(magic)
	b = binary.LittleEndian.AppendUint32(b, FormatVersion)
	b = binary.LittleEndian.AppendUint32(b, maxHeaderBytes)
	b = append(b, `{"feature_set":`...)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Read(bytes.NewReader(b))
	runtime.ReadMemStats(&after)
	require.ErrorIs(t, err, ErrBadModel)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<10), "bytes allocated for a 31-byte file")
}
