package verify

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// refTruncatedTail is truncated's test for an open calculator annotation
// as first written: the last "<<" of the 48-byte tail after its last ">>".
func refTruncatedTail(t string) bool {
	tail := t[len(t)-min(len(t), 48):]
	o := strings.LastIndex(tail, "<<")
	return o >= 0 && strings.LastIndex(tail, ">>") < o
}

// TestTruncatedAndRefusalMatchDefinitions compares truncated with its
// LastIndex definition and refusal with the reference scan's on strings
// built from the bytes they look for, at every length up to 140 (past
// refusal's 120 bytes and truncated's 48).
func TestTruncatedAndRefusalMatchDefinitions(t *testing.T) {
	pieces := []string{"<", ">", "<<", ">>", "<<3+4=7", ">>.", "i", "I", "'", "’", " ", "a", "s", "as", "As an AI",
		"i'm sorry, but I can", "I'M UNABLE", "i'm not able", "I cannot", "i can't", "i am unable", "I am not able",
		"x", "1", ".", "\n", "\xe2", "\xe2\x80"}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 200000 {
		var sb strings.Builder
		for sb.Len() < 1+rng.IntN(140) {
			sb.WriteString(pieces[rng.IntN(len(pieces))])
		}
		s := sb.String()
		// truncated's annotation test runs for an end that is no letter and
		// no operator; the rest of truncated is unchanged.
		s += "."
		require.Equal(t, refTruncatedTail(s), truncated(s), "truncated(%q)", s)
		require.Equal(t, refRefusal(s), refusal(s), "refusal(%q)", s)
	}
}
