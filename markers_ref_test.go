package llmrouter

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// hashSetGetRef is hashSet.get without its filter: the 0 → 1 key first,
// then the probe alone, so the filter can only ever save work.
func hashSetGetRef(s *hashSet, h uint32) uint64 {
	if h == 0 {
		h = 1
	}
	for i := h & s.mask; ; i = (i + 1) & s.mask {
		switch s.keys[i] {
		case h:
			return s.vals[i]
		case 0:
			return 0
		}
	}
}

// markerSignalsRef is markerSignals's straightforward loop (Words counted
// per position), the reference the fast one must match.
func markerSignalsRef(f *Features, runes, digits, mathOps, codeSyms, latex, numbered int) {
	var codeWords, strongWords, mathWords int
	for k, h := range f.NGrams {
		if k > 0 && k%2 == 0 {
			// Even positions ≥ 2 are bigrams (see HashNGrams).
		} else {
			f.Words++
		}
		cat := uint8(hashSetGetRef(markerWords, h))
		if cat == 0 {
			continue
		}
		if cat&catCode != 0 {
			codeWords++
		}
		if cat&catCodeStrong != 0 {
			strongWords++
		}
		if cat&catMath != 0 {
			mathWords++
		}
		if cat&catReasoning != 0 {
			f.Reasoning++
		}
		if cat&catMultiStep != 0 {
			f.MultiStep++
		}
	}
	f.MultiStep += numbered

	if runes > 0 {
		n := float64(runes)
		code := 0.0
		if f.CodeFences > 0 {
			code += 0.6
		}
		code += clamp01(float64(codeSyms)/math.Max(n, 40)*8) * 0.4
		// Marker words count as a density past 60 words: in a long text a
		// few incidental matches must not read as code or mathematics.
		wordNorm := math.Max(3, 0.05*float64(f.Words))
		code += clamp01(float64(codeWords+2*strongWords)/wordNorm) * 0.6
		f.Code = clamp01(code)
		m := clamp01(float64(digits)/n*5)*0.3 + clamp01(float64(mathOps)/n*10)*0.3 +
			clamp01(float64(latex)/3)*0.3 + clamp01(float64(mathWords)/wordNorm)*0.3
		f.Math = clamp01(m)
	}
}

// markerHashes are the hashes of every marker word and phrase, and 0 and
// 1 (the key 0 stands for).
func markerHashes() []uint32 {
	hs := []uint32{0, 1}
	for _, k := range markerWords.keys {
		if k != 0 {
			hs = append(hs, k)
		}
	}
	return hs
}

// TestMarkerSignalsMatchesReference holds markerSignals (Words from the
// n-gram count, the filter before the 0 key) equal to the reference on
// analyzer n-grams and on random ones dense in marker hashes.
func TestMarkerSignalsMatchesReference(t *testing.T) {
	var inputs [][]uint32
	texts := append(append([]string(nil), scanCases...), plainRunCases...)
	prompts, _ := benchPrompts(1 << 10)
	texts = append(texts, prompts[:min(40, len(prompts))]...)
	for _, text := range texts {
		inputs = append(inputs, hashNGrams(nil, scanWindow(text), 0))
	}
	markers := markerHashes()
	rng := rand.New(rand.NewPCG(8, 2))
	for n := range 64 {
		ngrams := make([]uint32, n)
		for i := range ngrams {
			if rng.IntN(2) == 0 {
				ngrams[i] = markers[rng.IntN(len(markers))]
			} else {
				ngrams[i] = rng.Uint32()
			}
		}
		inputs = append(inputs, ngrams)
	}
	for i, ngrams := range inputs {
		for _, counts := range [][6]int{{0, 0, 0, 0, 0, 0}, {500, 20, 7, 3, 1, 2}, {9, 1, 0, 9, 4, 0}} {
			got := Features{NGrams: ngrams, CodeFences: i % 2, Words: i % 3}
			want := got
			markerSignals(&got, counts[0], counts[1], counts[2], counts[3], counts[4], counts[5])
			markerSignalsRef(&want, counts[0], counts[1], counts[2], counts[3], counts[4], counts[5])
			require.Equal(t, want, got, "input %d, counts %v", i, counts)
		}
	}
	for _, h := range append(markers, 2, 1<<20, math.MaxUint32) {
		require.Equal(t, hashSetGetRef(markerWords, h), markerWords.get(h), "hash %#x", h)
	}
}
