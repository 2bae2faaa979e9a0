package linear

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func fnv1a(s string) uint32 {
	h := uint32(FNVOffset32)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= FNVPrime32
	}
	return h
}

func TestHashNGrams(t *testing.T) {
	tests := []struct {
		name string
		text string
		max  int
		want []uint32
	}{
		{"empty", "", 0, nil},
		{"punctuation only", "?!  ...", 0, nil},
		{"one word, case folded", "Hello!", 0, []uint32{fnv1a("hello")}},
		{"two words", "Hi, there", 0, []uint32{fnv1a("hi"), fnv1a("there"), fnv1a("hi there")}},
		{"three words", "a b c", 0, []uint32{fnv1a("a"), fnv1a("b"), fnv1a("a b"), fnv1a("c"), fnv1a("b c")}},
		{"word limit", "a b c", 2, []uint32{fnv1a("a"), fnv1a("b"), fnv1a("a b")}},
		{"digits are word characters", "x2 = 42", 0, []uint32{fnv1a("x2"), fnv1a("42"), fnv1a("x2 42")}},
		{"unicode letters lower-cased", "ÜBER Straße", 0, []uint32{fnv1a("über"), fnv1a("straße"), fnv1a("über straße")}},
		{"invalid UTF-8 separates words", "ab\xffcd", 0, []uint32{fnv1a("ab"), fnv1a("cd"), fnv1a("ab cd")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := HashNGrams(nil, tt.text, tt.max)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestHashNGramsNoAllocWithRoom(t *testing.T) {
	buf := make([]uint32, 0, 64)
	allocs := testing.AllocsPerRun(100, func() {
		buf = HashNGrams(buf[:0], "The quick brown fox jumps over the lazy dog.", 0)
	})
	require.Len(t, buf, 17)
	assert.Zero(t, allocs)
}
