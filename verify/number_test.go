package verify

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNumberMatchesBytes compares number (integer8's 8-byte path where it
// applies) with numberBytes at every digit of strings of digits, commas,
// points and other bytes, and of numbers of 1 to 20 digits.
func TestNumberMatchesBytes(t *testing.T) {
	check := func(s string) {
		for i := 0; i < len(s); i++ {
			if !isDigit(s[i]) {
				continue
			}
			v, j := number(s, i)
			wv, wj := numberBytes(s, i)
			require.Equal(t, math.Float64bits(wv), math.Float64bits(v), "value at %d of %q", i, s)
			require.Equal(t, wj, j, "end at %d of %q", i, s)
		}
	}
	for n := 1; n <= 20; n++ {
		for _, after := range []string{"", " ", ",", ",000", ".", ".5", "a", "/", "\x80", "12345678"} {
			check(strings.Repeat("9", n) + after + "        ")
			check("1" + strings.Repeat("0", n-1) + after + "        ")
		}
	}
	alphabet := []byte("0123456789012345678901234567890123456789,., $x/=:\n\xff")
	rng := rand.New(rand.NewPCG(7, 8))
	for range 50000 {
		b := make([]byte, 1+rng.IntN(24))
		for k := range b {
			b[k] = alphabet[rng.IntN(len(alphabet))]
		}
		check(string(b))
	}
}
