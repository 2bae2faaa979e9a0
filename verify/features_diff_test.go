package verify

import (
	"math"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/internal/shareddata"
	"github.com/stretchr/testify/require"
)

// sameFeatures fails t unless the fast extractors and refExtract agree bit
// for bit, in both feature sets.
func sameFeatures(t testing.TB, prompt, answer string) {
	t.Helper()
	for _, dense1 := range []bool{false, true} {
		var got, want [numFeatures]float64
		if dense1 {
			extract1(prompt, answer, &got)
		} else {
			extract(prompt, answer, &got)
		}
		refExtract(prompt, answer, &want, dense1)
		for f := range got {
			if math.Float64bits(got[f]) != math.Float64bits(want[f]) {
				t.Fatalf("%s (dense1 %v): got %v, reference %v\nprompt %.200q\nanswer %.200q", featureNames[f], dense1, got[f], want[f], prompt, answer)
			}
		}
		// A Prompt read once gives the same features for each answer it
		// is used with: scoring one answer leaves it as it was.
		p := ReadPrompt(prompt)
		for range 2 {
			var again [numFeatures]float64
			p.extract(answer, &again, dense1)
			for f := range got {
				if math.Float64bits(again[f]) != math.Float64bits(want[f]) {
					t.Fatalf("%s through a Prompt (dense1 %v): got %v, reference %v\nprompt %.200q\nanswer %.200q", featureNames[f], dense1, again[f], want[f], prompt, answer)
				}
			}
		}
	}
}

var diffSeeds = []struct{ prompt, answer string }{
	{"", ""},
	{"Write a Python function", "```python\ndef f(x):\n    return (x]\n```\n"},
	{"James has 3 apples and 1,200 pears. How many?", "3 + 1,200 = 1,203\n#### 1203"},
	{"CLARIFY", "Could you Clarify and Specify? I'm UNSURE."},
	{"x", "I\u2019m sorry, but I can\u2019t help. As an AI I cannot."},
	{"a1b2 3.5.6", "**bold** ## head\n- item\n1. one\n1) two\n  ###\n####5\n#### $5\nThe answer is 7. boxed{7}"},
	{"naïve café ½", "ÀÉÎ \r\n\r\na line\na line\n<<3*6"},
	{strings.Repeat("implement the API in golang; ", 200), strings.Repeat("Perhaps the answer: 42 = 6 x 7\n", 700)},
	{"q", "Well, I CANNOT say; i'm unable; I am not able, I’M NOT ABLE, as an AI: i can't. i am unable"},
	{"q", "Has an aim: is 'I'm' i  am unable? asas an ai"},
	{"code code", "Cool. " + strings.Repeat("x", 110) + " I cannot"},
	{"q", "approximatelyy unfortunately Unfortunately UNFORTUNATELYX abcdefghijklmnopq answer:"},
	// Lines that repeat but for trailing blanks, a carriage return, an
	// inner space (verify-dense-1 alone ignores it) or a byte past the
	// eighth; lines of 7, 8, 9 and 16 bytes, the last near the end.
	{"q", "same line  \nsame line\r\nsameline\nsame line\n\t \r\n12345678\n123456789\n123456780\n1234567\n12345678abcdefgh\n12345678abcdefgh"},
	{"q", "ab\nab\na"},
}

// TestExtractMatchesReference compares the table-driven extractor with the
// reference scan on hand-made edge cases and every real answer.
func TestExtractMatchesReference(t *testing.T) {
	for _, s := range diffSeeds {
		sameFeatures(t, s.prompt, s.answer)
	}
	if testing.Short() {
		return
	}
	for _, name := range goldenFiles {
		ds, err := dataset.Load(shareddata.Path(t, name))
		require.NoError(t, err)
		for _, r := range ds.Records {
			for _, o := range r.Outcomes {
				sameFeatures(t, r.Prompt, o.Answer)
			}
		}
	}
}

func FuzzExtractMatchesReference(f *testing.F) {
	for _, s := range diffSeeds {
		f.Add(s.prompt, s.answer)
	}
	f.Fuzz(func(t *testing.T, prompt, answer string) {
		sameFeatures(t, prompt, answer)
	})
}
