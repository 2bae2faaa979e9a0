package llmrouter

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestScanPlainBufferRoom holds scanText equal to the reference whatever
// room the n-gram buffer it is handed has: scanPlain appends the n-grams
// itself where the buffer has room and leaves a word to scanText (which
// grows it) where it has not, so both paths and every switch between them
// must give the same Features. With room for every n-gram, the result is
// in the buffer handed in (no allocation).
func TestScanPlainBufferRoom(t *testing.T) {
	texts := append(append([]string(nil), scanCases...), plainRunCases...)
	// Runs ending at the text's end, in separators, or before a byte
	// that is no word byte.
	texts = append(texts, "a b", "a ", "a,", "a, ", "a ,b", " a", "a  b\n", "a,.b", "a.\"b\"", "ab  ", "a b?", "a é", "a1 2b, 3")
	for _, size := range []int{100, 1 << 10, 10 << 10} {
		prompts, _ := benchPrompts(size)
		texts = append(texts, prompts[:min(10, len(prompts))]...)
	}
	for i, text := range texts {
		for _, maxWords := range []int{0, 1, 3} {
			var want Features
			want.Text = text
			wantTC := scanTextRef(&want, nil, maxWords)
			for _, room := range []int{0, 1, 2, 3, 5, 64, len(want.NGrams), len(want.NGrams) + 1} {
				var got Features
				got.Text = text
				buf := make([]uint32, 0, room)
				gotTC := scanText(&got, buf, maxWords)
				require.Equal(t, wantTC, gotTC, "case %d, maxWords %d, room %d: token counts", i, maxWords, room)
				if len(want.NGrams) == 0 {
					require.Empty(t, got.NGrams, "case %d, room %d", i, room)
					got.NGrams, want.NGrams = nil, nil // empty either way
				}
				require.Equal(t, want, got, "case %d, maxWords %d, room %d: %.60q", i, maxWords, room, text)
				if room >= len(want.NGrams) && len(want.NGrams) > 0 {
					require.Same(t, &buf[:1][0], &got.NGrams[:1][0], "case %d, room %d: n-grams not in the buffer", i, room)
				}
			}
		}
	}
}
