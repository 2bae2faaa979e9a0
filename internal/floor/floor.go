// Package floor is the least a text router can do, the reference every
// routing benchmark of the root package is measured against in the same
// binary: hash each word and bigram into 2^18 buckets, one dot product per
// model, argmax. It reads the whole text once and keeps nothing else; it is
// not a usable router (its weights are random), only the cost of one.
//
// It is its own package so its code sits at the same address whatever the
// root package's code size: the linker places it before the root package.
// In the root package, any change there moved it, and the move alone
// changed its speed, and the benchmarks' route/floor ratio, by about 5%.
package floor

import "github.com/llmrouter/llmrouter/internal/linear"

// The FNV-1a constants the root package's hashes use.
const (
	fnvOffset32 = linear.FNVOffset32
	fnvPrime32  = linear.FNVPrime32
)

const floorBits = 18

// Floor is a hashed linear router with random weights over a number of
// models.
type Floor struct {
	w      []float32 // (1<<floorBits) × models
	models int
}

// New returns a floor over models (≤ 8) with fixed pseudo-random weights.
func New(models int) *Floor {
	f := &Floor{w: make([]float32, (1<<floorBits)*models), models: models}
	x := uint64(0x9E3779B97F4A7C15)
	for i := range f.w {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		f.w[i] = float32(int32(x>>32)) / (1 << 31)
	}
	return f
}

// floorLower maps ASCII letters and digits to lower case, bytes ≥ 0x80 to
// themselves (part of a word), and the rest to 0 (a separator).
var floorLower = func() (t [256]byte) {
	for c := 0; c < 256; c++ {
		switch {
		case c >= 'A' && c <= 'Z':
			t[c] = byte(c) + 'a' - 'A'
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c >= 0x80:
			t[c] = byte(c)
		}
	}
	return t
}()

// Route returns the index of the model with the highest score for text.
func (f *Floor) Route(text string) int {
	var acc [8]float32
	var hU, hB, prev uint32
	inWord, hasPrev := false, false
	for i := 0; i <= len(text); i++ {
		var lc byte
		if i < len(text) {
			lc = floorLower[text[i]]
		}
		if lc != 0 {
			if !inWord {
				inWord = true
				hU = fnvOffset32
				hB = (prev ^ ' ') * fnvPrime32
			}
			hU = (hU ^ uint32(lc)) * fnvPrime32
			hB = (hB ^ uint32(lc)) * fnvPrime32
			continue
		}
		if inWord {
			f.add(&acc, hU)
			if hasPrev {
				f.add(&acc, hB)
			}
			prev, hasPrev, inWord = hU, true, false
		}
	}
	best := 0
	for m := 1; m < f.models; m++ {
		if acc[m] > acc[best] {
			best = m
		}
	}
	return best
}

func (f *Floor) add(acc *[8]float32, h uint32) {
	const mask = 1<<floorBits - 1
	row := f.w[int(h&mask)*f.models:][:f.models]
	for m, w := range row {
		acc[m] += w
	}
}
