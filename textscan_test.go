package llmrouter

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tmc/langchaingo/llms"
)

// scanCases are texts that exercise every branch of scanText's pass.
var scanCases = []string{
	"",
	"hello",
	"Why is the sky blue? Explain step by step.",
	"1. first\n2) then\n3. finally ```go\nfunc main() { x := a == b; y => z }\n```",
	"H2O + 2NaCl = 3.14 * r^2 / 7 % 5 $x$ \\frac{a}{b} \\sqrt2 -1 ab12cd 12ab",
	"日本語のテキスト？ Ünïcödé wörds, ¿qué? ما هذا؟ Ελληνικά Кириллица ∫∑√≤ π",
	"invalid \xff\xfe bytes \xe6\x97 cut",
	"CamelCaseWords and ALLCAPS MixedUP123abc456",
	"``` `` ` ```",
	"tabs\tand\r\nCRLF\r\nlines",
	strings.Repeat("word ", 5000), // more than DefaultMaxNGramWords words
	strings.Repeat("long prompt with ` and 7 and ? and 日本 ", 2000), // past MaxScanBytes
}

func analyzeText(text string) *Features {
	req := Request{Messages: []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, text)}}
	f := &Features{}
	DefaultAnalyzer{}.Analyze(&req, f)
	return f
}

// TestScanTextMatchesSeparatePasses holds the analyzer's one pass equal to
// the separate functions a LinearClassifier and training use when no
// analyzer counts are at hand: HashNGrams and countDense on the same window.
func TestScanTextMatchesSeparatePasses(t *testing.T) {
	texts := append([]string(nil), scanCases...)
	prompts, _ := benchPrompts(1 << 10)
	texts = append(texts, prompts...)
	prompts, _ = benchPrompts(100 << 10)
	texts = append(texts, prompts[:min(4, len(prompts))]...)
	for i, text := range texts {
		f := analyzeText(text)
		want := hashNGrams(nil, scanWindow(text), 0)
		if len(want) == 0 {
			want = nil
		}
		got := f.NGrams
		if len(got) == 0 {
			got = nil
		}
		require.Equal(t, want, got, "case %d: n-grams", i)
		counts, ok := f.countsFor()
		require.True(t, ok, "case %d", i)
		wantCounts := countDense(text)
		gotCounts := *counts
		gotCounts.ok, gotCounts.text = false, ""
		require.Equal(t, wantCounts, gotCounts, "case %d: dense counts of %.60q", i, text)
		assert.Equal(t, len([]rune(text)), f.Chars, "case %d: Chars counts the whole text", i)
		assert.Equal(t, strings.Count(text, "\n")+min(1, len(text)), f.Lines, "case %d: Lines", i)
	}
}

// TestScanTextTokens: the tokens the one pass counts for the last message
// equal estimateTokens over the text, whichever role the message has.
func TestScanTextTokens(t *testing.T) {
	separate := DefaultAnalyzer{Counter: estimateTokens} // the unfused path
	for i, text := range scanCases {
		for _, msgs := range [][]llms.MessageContent{
			{llms.TextParts(llms.ChatMessageTypeHuman, text)},
			{llms.TextParts(llms.ChatMessageTypeSystem, "be brief"), llms.TextParts(llms.ChatMessageTypeHuman, text)},
			{llms.TextParts(llms.ChatMessageTypeSystem, text)}, // no human message: the system one is scanned
			{llms.TextParts(llms.ChatMessageTypeHuman, text, "second part")},
		} {
			req := Request{Messages: msgs}
			var got, want Features
			DefaultAnalyzer{}.Analyze(&req, &got)
			separate.Analyze(&req, &want)
			require.Equal(t, want.Tokens, got.Tokens, "case %d", i)
			require.Equal(t, want.SystemTokens, got.SystemTokens, "case %d", i)
		}
	}
}

func FuzzScanText(f *testing.F) {
	for _, s := range scanCases[:10] {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		feat := analyzeText(text)
		want := hashNGrams(nil, scanWindow(text), 0)
		require.Equal(t, len(want), len(feat.NGrams))
		for i := range want {
			require.Equal(t, want[i], feat.NGrams[i])
		}
		counts, ok := feat.countsFor()
		require.True(t, ok)
		got := *counts
		got.ok, got.text = false, ""
		require.Equal(t, countDense(text), got)
	})
}

// TestLinearClassifyWithoutAnalyzerCounts: a LinearClassifier handed
// Features from another analyzer (Text only, or Text and n-grams but no
// counts, or counts left from another text) predicts exactly what it
// predicts from the DefaultAnalyzer's features.
func TestLinearClassifyWithoutAnalyzerCounts(t *testing.T) {
	lin, err := defaultLinearClassifier()
	require.NoError(t, err)
	models := []ModelCard{{Name: "a"}}
	classify := func(f *Features) float64 {
		p := Prediction{Quality: make([]float64, 1)}
		require.NoError(t, lin.Classify(context.Background(), f, models, &p))
		return p.Difficulty
	}
	for i, text := range scanCases {
		full := analyzeText(text)
		want := classify(full)
		assert.Equal(t, want, classify(&Features{Text: text}), "case %d: text only", i)
		assert.Equal(t, want, classify(&Features{Text: text, NGrams: full.NGrams}), "case %d: no counts", i)
		stale := analyzeText("some other text entirely ``` 1 2 3")
		stale.Text, stale.NGrams = text, full.NGrams
		assert.Equal(t, want, classify(stale), "case %d: counts of another text", i)
	}
}
