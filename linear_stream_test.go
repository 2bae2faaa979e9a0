package llmrouter

import (
	"encoding/binary"
	"math"
	"runtime"
	"testing"

	"github.com/llmrouter/llmrouter/internal/linear"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// streamTol bounds the stream's distance from gather: it sums the same
// terms in another order, in float64 where gather sums in float32 (on
// these cases gather is up to 1.1e-6 from the float64 definition, the
// stream within float32 rounding of it).
const streamTol = 2e-6

// requireStreamClose fails unless got and want agree within tol,
// relative to the larger of |want| and the block's scale 1.
func requireStreamClose(t testing.TB, tol float64, want, got []float32, msg string, args ...any) {
	t.Helper()
	for o := range want {
		d := math.Abs(float64(got[o]) - float64(want[o]))
		require.LessOrEqual(t, d, tol*math.Max(1, math.Abs(float64(want[o]))), append([]any{msg + " output %d: %g vs %g"}, append(args, o, got[o], want[o])...)...)
	}
}

// exactRef is the n-gram block's definition in float64, from the counts.
func exactRef(c *LinearClassifier, ngrams []uint32) []float32 {
	counts := map[uint32]int{}
	mask := uint32(1)<<c.cfg.HashBits - 1
	for _, h := range ngrams {
		counts[h&mask]++
	}
	acc := make([]float64, len(c.outputs))
	var n2 float64
	for b, k := range counts {
		row := c.row(b, c.stride)
		v := (1 + math.Log(float64(k))) * float64(row[0])
		n2 += v * v
		for o := range acc {
			acc[o] += v * float64(row[1+o])
		}
	}
	out := make([]float32, len(acc))
	for o := range acc {
		if n2 > 0 {
			acc[o] /= math.Sqrt(n2)
		}
		out[o] = float32(acc[o])
	}
	return out
}

// streamFixtures are the dense classifiers the stream serves: the
// built-in model (one output, 16 bits) and a random 3-output one.
func streamFixtures(t testing.TB) map[string]*LinearClassifier {
	def, err := defaultLinearClassifier()
	require.NoError(t, err)
	multi := newLinearClassifier(linearConfig{HashBits: 12, MaxWords: 1 << 20, IDF: true}, []string{"a", "b", "c"}, true, "a")
	rnd := uint64(7)
	for i := range multi.table {
		rnd ^= rnd << 13
		rnd ^= rnd >> 7
		rnd ^= rnd << 17
		multi.table[i] = float32(int32(rnd>>32)) / (1 << 31)
	}
	return map[string]*LinearClassifier{"default": def, "multi": multi}
}

// gatherRef is the n-gram block by linear.Counter and accumulate.
func gatherRef(c *LinearClassifier, ngrams []uint32) []float32 {
	var cnt linear.Counter
	cnt.Count(ngrams, c.cfg.HashBits, c.cfg.MaxWords)
	want := make([]float32, len(c.outputs))
	c.accumulate(cnt.Keys, cnt.Counts, cnt.Used, want)
	return want
}

// streamEmpty requires the kept counter arrays to be all zero.
func streamEmpty(t testing.TB) {
	t.Helper()
	for i := range streamFree {
		s := streamFree[i].p.Load()
		if s == nil {
			continue
		}
		for b, k := range s.n {
			if k != 0 {
				require.Zero(t, k, "slot %d: counter of bucket %d left set", i, b)
			}
		}
	}
}

// TestStreamMatchesGather: the one-pass stream computes what gather does,
// within streamTol, for counts past its increment tables (≥ 256) and at
// the uint16 bound; past that bound Classify falls back to gather.
func TestStreamMatchesGather(t *testing.T) {
	rnd := uint64(1)
	next := func() uint32 {
		rnd ^= rnd << 13
		rnd ^= rnd >> 7
		rnd ^= rnd << 17
		return uint32(rnd >> 32)
	}
	for name, c := range streamFixtures(t) {
		for _, n := range []int{0, 1, 2, 7, 255, 256, 300, gatherMax, 3000, streamMaxNGrams} {
			for _, distinct := range []uint32{1, 5, 300, 1 << 30} {
				ngrams := make([]uint32, n)
				for i := range ngrams {
					ngrams[i] = next() % distinct * 2654435761
				}
				ngrams = linear.ClipNGrams(ngrams, c.cfg.MaxWords) // as Classify does
				require.True(t, c.canStream(len(ngrams)))
				got := make([]float32, len(c.outputs))
				c.streamScores(ngrams, got)
				ref, exact := gatherRef(c, ngrams), exactRef(c, ngrams)
				// The stream is the float64 definition, rounded once.
				requireStreamClose(t, 1e-7, exact, got, "%s n=%d distinct=%d (exact)", name, n, distinct)
				requireStreamClose(t, streamTol, ref, got, "%s n=%d distinct=%d", name, n, distinct)
				streamEmpty(t)
			}
		}
		require.False(t, c.canStream(streamMaxNGrams+1), "%s: a count could pass the uint16 counters", name)
	}
}

// TestStreamServes: which models the stream serves, and that Classify
// then gives what classifyGather gives.
func TestStreamServes(t *testing.T) {
	big := newLinearHead(linearConfig{HashBits: streamMaxBits + 1, MaxWords: 100}, []string{"a"}, false, "")
	big.table = make([]float32, (1<<big.cfg.HashBits)*big.stride)
	sparse := newLinearHead(linearConfig{HashBits: 12, MaxWords: 100}, []string{"a"}, false, "")
	sparse.sparse = newSparseRows(nil, nil, sparse.stride, sparse.unseenRow())
	many := make([]string, 16)
	for i := range many {
		many[i] = string(rune('a' + i))
	}
	for _, tc := range []struct {
		name string
		c    *LinearClassifier
		want bool
	}{
		{"default", streamFixtures(t)["default"], true},
		{"multi", streamFixtures(t)["multi"], true},
		{"more hash bits than streamMaxBits", big, false},
		{"sparse", sparse, true},
		{"16 outputs", newLinearClassifier(linearConfig{HashBits: 8, MaxWords: 100}, many[:15], true, "a"), true},
		{"17 outputs", newLinearClassifier(linearConfig{HashBits: 8, MaxWords: 100}, many, true, "a"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.c.canStream(10))
		})
	}
}

// FuzzStreamMatchesGather: any n-gram list (4 bytes each) gets from the
// stream what gather gives, on both fixtures.
func FuzzStreamMatchesGather(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("the cat sat on the mat, the cat sat on the mat"))
	rep := make([]byte, 4*600)
	for i := range rep {
		rep[i] = byte(i % 8) // two n-grams, 300 times each
	}
	f.Add(rep)
	cs := streamFixtures(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		ngrams := make([]uint32, len(data)/4)
		for i := range ngrams {
			ngrams[i] = binary.LittleEndian.Uint32(data[4*i:])
		}
		for name, c := range cs {
			ngrams := linear.ClipNGrams(ngrams, c.cfg.MaxWords)
			got := make([]float32, len(c.outputs))
			c.streamScores(ngrams, got)
			requireStreamClose(t, streamTol, gatherRef(c, ngrams), got, "%s n=%d", name, len(ngrams))
		}
	})
}

// TestCountsFreeList: getCounts hands out arrays of at least the size
// asked, replacing a kept one that is too small, and putCounts keeps at
// most len(streamFree) arrays.
func TestCountsFreeList(t *testing.T) {
	for i := range streamFree { // start empty
		streamFree[i].p.Store(nil)
	}
	small := getCounts(256, 0)
	require.Len(t, small.n, 256)
	putCounts(small, 0)
	big := getCounts(1<<16, 0)
	require.Len(t, big.n, 1<<16, "a kept array too small is replaced")
	putCounts(big, 0)
	require.Same(t, big, getCounts(256, 0), "a larger kept array serves a smaller model")
	var made []*streamCounts
	for i := 0; i < len(streamFree)+2; i++ {
		made = append(made, getCounts(16, uint32(i)))
	}
	for i, s := range made {
		putCounts(s, uint32(i))
	}
	kept := 0
	for i := range streamFree {
		if streamFree[i].p.Load() != nil {
			kept++
		}
	}
	require.Equal(t, len(streamFree), kept)
}

// TestStreamSlots: a counter slot per P, so a busy server on many cores
// does not allocate a counter array per call, within a memory bound.
func TestStreamSlots(t *testing.T) {
	for _, tc := range []struct{ procs, want int }{{1, 8}, {2, 8}, {8, 8}, {32, 32}, {64, 64}, {1000, 64}} {
		assert.Equal(t, tc.want, streamSlots(tc.procs), "procs %d", tc.procs)
	}
	assert.GreaterOrEqual(t, len(streamFree), min(runtime.GOMAXPROCS(0), 64))
}
