package llmrouter

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/tmc/langchaingo/llms"
)

func analyze(msgs []llms.MessageContent, opts ...llms.CallOption) Features {
	req := Request{Messages: msgs}
	for _, o := range opts {
		o(&req.Options)
	}
	var f Features
	DefaultAnalyzer{}.Analyze(&req, &f)
	return f
}

func human(s string) llms.MessageContent { return llms.TextParts(llms.ChatMessageTypeHuman, s) }

func TestAnalyzerSignals(t *testing.T) {
	tests := []struct {
		name  string
		msgs  []llms.MessageContent
		opts  []llms.CallOption
		check func(t *testing.T, f Features)
	}{
		{"greeting is plain", []llms.MessageContent{human("Hi there!")}, nil, func(t *testing.T, f Features) {
			assert.Equal(t, 2, f.Words)
			assert.Zero(t, f.Code)
			assert.Zero(t, f.Math)
			assert.Zero(t, f.Reasoning)
			assert.Equal(t, ScriptLatin, f.Script)
			assert.Equal(t, 1, f.Turns)
		}},
		{"fenced code", []llms.MessageContent{human("Fix this:\n```go\nfunc main() { fmt.Println(x) }\n```")}, nil, func(t *testing.T, f Features) {
			assert.Equal(t, 2, f.CodeFences)
			assert.GreaterOrEqual(t, f.Code, 0.6)
			assert.Equal(t, 4, f.Lines)
		}},
		{"code without fences", []llms.MessageContent{human("def add(a, b):\n    return a + b\n\nclass Foo: pass")}, nil, func(t *testing.T, f Features) {
			assert.Zero(t, f.CodeFences)
			assert.Greater(t, f.Code, 0.3)
		}},
		{"LaTeX math", []llms.MessageContent{human(`Solve \frac{x^2}{3} + 2x = 7 and compute \sqrt{x}.`)}, nil, func(t *testing.T, f Features) {
			assert.Greater(t, f.Math, 0.5)
		}},
		{"unicode math symbols", []llms.MessageContent{human("∫ x² dx ≤ ∑ 1/n?")}, nil, func(t *testing.T, f Features) {
			assert.Greater(t, f.Math, 0.2)
			assert.Equal(t, 1, f.Questions)
		}},
		{"reasoning markers", []llms.MessageContent{human("Explain why the sky is blue and compare it with sunsets. Justify each claim.")}, nil, func(t *testing.T, f Features) {
			assert.GreaterOrEqual(t, f.Reasoning, 3)
		}},
		{"multi-step: words and numbered lines", []llms.MessageContent{human("First do A, then B.\n1. one\n2) two\n 3. three")}, nil, func(t *testing.T, f Features) {
			assert.GreaterOrEqual(t, f.MultiStep, 5)
		}},
		{"questions, ASCII and full-width", []llms.MessageContent{human("Why? How? 为什么？")}, nil, func(t *testing.T, f Features) {
			assert.Equal(t, 3, f.Questions)
		}},
		{"CJK script", []llms.MessageContent{human("今日は良い天気ですね")}, nil, func(t *testing.T, f Features) {
			assert.Equal(t, ScriptCJK, f.Script)
			assert.Equal(t, 10, f.Tokens-messageOverhead, "one token per CJK rune")
			assert.InDelta(t, 1.0, f.NonASCII, 1e-9)
		}},
		{"Cyrillic script", []llms.MessageContent{human("Привет, как дела?")}, nil, func(t *testing.T, f Features) {
			assert.Equal(t, ScriptCyrillic, f.Script)
		}},
		{"images and binary", []llms.MessageContent{{Role: llms.ChatMessageTypeHuman, Parts: []llms.ContentPart{
			llms.TextPart("what is this"), llms.ImageURLPart("http://x/y.png"), llms.BinaryPart("image/jpeg", []byte{1}), llms.BinaryPart("application/pdf", make([]byte, 400)),
		}}}, nil, func(t *testing.T, f Features) {
			assert.Equal(t, 2, f.Images)
			assert.Equal(t, 1, f.BinaryParts)
			assert.Greater(t, f.Tokens, 2*imageTokens+100)
		}},
		{"tools and JSON mode", []llms.MessageContent{human("weather?")}, []llms.CallOption{
			llms.WithTools([]llms.Tool{{Type: "function", Function: &llms.FunctionDefinition{Name: "w", Description: "weather"}}}), llms.WithJSONMode(),
		}, func(t *testing.T, f Features) {
			assert.Equal(t, 1, f.Tools)
			assert.True(t, f.JSONMode)
		}},
		{"multi-turn: signals from the last human turn only", []llms.MessageContent{
			llms.TextParts(llms.ChatMessageTypeSystem, "You are a helpful assistant who writes code."),
			human("Explain why quicksort is fast. Prove it."),
			llms.TextParts(llms.ChatMessageTypeAI, "Because..."),
			{Role: llms.ChatMessageTypeAI, Parts: []llms.ContentPart{llms.ToolCall{ID: "1", FunctionCall: &llms.FunctionCall{Name: "f", Arguments: "{}"}}}},
			human("thanks"),
		}, nil, func(t *testing.T, f Features) {
			assert.Equal(t, "thanks", f.Text)
			assert.Equal(t, 2, f.Turns)
			assert.Equal(t, 5, f.Messages)
			assert.Zero(t, f.Reasoning)
			assert.Equal(t, 1, f.ToolCalls)
			assert.Positive(t, f.SystemTokens)
			assert.Greater(t, f.Tokens, f.SystemTokens+10)
		}},
		{"several text parts are joined", []llms.MessageContent{{Role: llms.ChatMessageTypeHuman, Parts: []llms.ContentPart{llms.TextPart("alpha"), llms.TextPart("beta")}}}, nil, func(t *testing.T, f Features) {
			assert.Equal(t, "alpha\nbeta", f.Text)
			assert.Equal(t, 2, f.Words)
		}},
		{"invalid UTF-8 does not break counting", []llms.MessageContent{human("ab\xffcd \xe2\x82")}, nil, func(t *testing.T, f Features) {
			assert.Equal(t, 2, f.Words)
			assert.Positive(t, f.Tokens)
		}},
		{"max tokens is kept", []llms.MessageContent{human("x")}, []llms.CallOption{llms.WithMaxTokens(77)}, func(t *testing.T, f Features) {
			assert.Equal(t, 77, f.MaxTokens)
		}},
		{"1 MB prompt: n-grams bounded by the scan window", []llms.MessageContent{human(strings.Repeat("lorem ipsum ", 1<<20/12))}, nil, func(t *testing.T, f Features) {
			words := (MaxScanBytes + 5) / 6 // words starting in the window: "lorem " and "ipsum " are 6 bytes
			assert.Equal(t, words, f.Words)
			assert.Len(t, f.NGrams, 2*words-1)
			assert.Greater(t, f.Tokens, 200000)
		}},
		{"1 MB prompt of short words: n-grams bounded by DefaultMaxNGramWords", []llms.MessageContent{human(strings.Repeat("a b ", 1<<20/4))}, nil, func(t *testing.T, f Features) {
			assert.Equal(t, DefaultMaxNGramWords, f.Words)
			assert.Len(t, f.NGrams, 2*DefaultMaxNGramWords-1)
		}},
		{"no human message: the last message is answered", []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeSystem, "Say hi")}, nil, func(t *testing.T, f Features) {
			assert.Equal(t, "Say hi", f.Text)
			assert.Zero(t, f.Turns)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, analyze(tt.msgs, tt.opts...))
		})
	}
}

func TestEstimateTokens(t *testing.T) {
	assert.Equal(t, 0, estimateTokens(""))
	assert.Equal(t, 1, estimateTokens("abc"))
	assert.Equal(t, 3, estimateTokens("hello, world"))
	assert.Equal(t, 2, estimateTokens("日本"))
	assert.Equal(t, 2, estimateTokens("Привет"[:6]), "3 Cyrillic runes round up to 2 tokens")
}

func TestTokenCounterIsUsed(t *testing.T) {
	req := Request{Messages: []llms.MessageContent{human("a b c")}}
	var f Features
	DefaultAnalyzer{Counter: func(s string) int { return 1000 }}.Analyze(&req, &f)
	assert.Equal(t, 1000+messageOverhead, f.Tokens)
}

func TestAnalyzeDoesNotAllocate(t *testing.T) {
	req := Request{Messages: []llms.MessageContent{human(strings.Repeat("Explain step by step how to compute 3*7 in Go. ", 20))}}
	f := Features{NGrams: make([]uint32, 0, 1024)}
	allocs := testing.AllocsPerRun(100, func() {
		f.NGrams = f.NGrams[:0]
		DefaultAnalyzer{}.Analyze(&req, &f)
	})
	assert.Zero(t, allocs)
}
