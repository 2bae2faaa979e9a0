package llmrouter

import (
	"strings"

	"github.com/tmc/langchaingo/llms"
)

// Request is what the router knows of one call before choosing a model.
type Request struct {
	// Messages are the caller's messages, unmodified.
	Messages []llms.MessageContent
	// Options are the caller's call options, applied to a zero CallOptions.
	Options llms.CallOptions
	// Hints are the request hints from the context.
	Hints Hints
}

// Analyzer turns a request into the Features classifiers and policies read.
// Implementations must be safe for concurrent use, must not retain req or f,
// and must not panic on any input.
type Analyzer interface {
	// Analyze fills f from req. f arrives zeroed except f.NGrams, which has
	// spare capacity to append to (reuse it: the hot path should not allocate).
	Analyze(req *Request, f *Features)
}

// AnalyzerFunc adapts a function to the Analyzer interface.
type AnalyzerFunc func(req *Request, f *Features)

// Analyze calls fn(req, f).
func (fn AnalyzerFunc) Analyze(req *Request, f *Features) { fn(req, f) }

// Features is what the analyzer extracts from a request.
//
// Which text counts: Tokens, SystemTokens, Messages, Turns, Images,
// BinaryParts and ToolCalls cover the whole conversation; Text, NGrams and
// every content signal (Chars to Script) describe only the last human
// message, the one the model must answer now. The earlier turns make the
// prompt longer (and costlier) but are not re-scored for difficulty.
// NGrams and the content signals read the first MaxScanBytes of Text;
// Tokens, Chars and Lines count all of it.
type Features struct {
	// Text is the text of the last human message (its text parts joined
	// with newlines). Rules match keywords and patterns against it.
	Text string
	// NGrams are the hashed word unigrams and bigrams of Text (FNV-1a over
	// lower-cased runs of letters and digits, in the order u1, u2, b12, u3,
	// b23, …), the input of trained classifiers; a LinearClassifier hashes
	// Text itself when NGrams is empty. Not kept in a Decision.
	NGrams []uint32

	// Tokens is the estimated input tokens of the whole request: every part
	// of every message, plus tool definitions.
	Tokens int
	// SystemTokens is the part of Tokens in system messages.
	SystemTokens int
	// MaxTokens is the caller's completion limit (llms.WithMaxTokens); 0 if unset.
	MaxTokens int
	// Messages counts all messages; Turns counts human messages.
	Messages int
	Turns    int

	// Chars, Words and Lines measure Text (Chars in runes).
	Chars int
	Words int
	Lines int
	// Questions counts question marks (ASCII, full-width and Arabic) in Text.
	Questions int
	// CodeFences counts ``` fences in Text.
	CodeFences int
	// Code and Math are scores in [0,1]: how much Text looks like code
	// (fences, keywords — a language or tool name counts double — and
	// symbol density, over at least 40 runes so that one bracket in a
	// short text is none) and like mathematics (digits, operators, LaTeX,
	// math words). Code ≥ 0.3 reads as a request for code (the "code"
	// label and the Code strength).
	Code float64
	Math float64
	// Reasoning counts markers asking for reasoning (why, explain, prove,
	// derive, compare, …); MultiStep counts markers of multi-step work
	// (first, then, finally, step by step, numbered lines, …).
	Reasoning int
	MultiStep int
	// Script is the dominant script of Text's letters; NonASCII the share of
	// its runes outside ASCII.
	Script   Script
	NonASCII float64

	// Images counts image parts (URLs and image/* binary parts) in the whole
	// conversation; BinaryParts counts the other binary parts.
	Images      int
	BinaryParts int
	// Tools counts the tool and function definitions offered; ToolCalls the
	// tool calls and tool responses already in the conversation.
	Tools     int
	ToolCalls int
	// JSONMode is true when the caller asked for JSON output.
	JSONMode bool

	counts textCounts // filled by DefaultAnalyzer for LinearClassifier
}

// DefaultAnalyzer is the analyzer New uses unless told otherwise.
// The zero value is ready to use: the built-in estimate counts tokens and
// n-grams are hashed (see Features.NGrams) from up to DefaultMaxNGramWords words.
// It reads the last human message's text once: one pass over its first
// MaxScanBytes hashes the n-grams, fills every content signal and the
// counts a LinearClassifier's dense signals need, and counts its tokens
// (with the default counter); the rest of a longer text is only counted
// (tokens, Chars, Lines). Safe for concurrent use; it never allocates
// when the last human message has a single text part and f.NGrams has room.
type DefaultAnalyzer struct {
	// Counter counts the tokens of a text. It must be safe for concurrent
	// use, and fast: it runs on the routing hot path, so it should not
	// reach the network. A router built WithAnalyzer(DefaultAnalyzer{
	// Counter: c}) (or &DefaultAnalyzer{Counter: c}) also counts answers
	// with c when a provider reports no usage. nil means the built-in estimate, no vocabulary and no
	// network: a token per 4 ASCII bytes (rounded up), one per CJK rune,
	// one per 2 other non-ASCII runes — within about 20% of GPT-style
	// tokenizers on English prose and code, on the safe (high) side for
	// most scripts. For langchaingo's tiktoken counter (which downloads its
	// vocabulary on first use):
	//
	//	Counter: func(s string) int { return llms.CountTokens("gpt-4o", s) }
	Counter func(text string) int
	// MaxNGramWords bounds the words hashed into NGrams; 0 means
	// DefaultMaxNGramWords.
	MaxNGramWords int
}

var _ Analyzer = DefaultAnalyzer{}

func (a DefaultAnalyzer) count(s string) int {
	if a.Counter != nil {
		return a.Counter(s)
	}
	return estimateTokens(s)
}

// Analyze implements Analyzer.
func (a DefaultAnalyzer) Analyze(req *Request, f *Features) {
	ngrams := f.NGrams[:0]
	*f = Features{}
	f.Messages = len(req.Messages)
	f.MaxTokens = req.Options.MaxTokens
	f.JSONMode = req.Options.JSONMode || strings.Contains(req.Options.ResponseMIMEType, "json")

	last := -1
	for i, m := range req.Messages {
		if m.Role == llms.ChatMessageTypeHuman || m.Role == llms.ChatMessageTypeGeneric {
			f.Turns++
			last = i
		}
	}
	if last < 0 && len(req.Messages) > 0 {
		// No human message (e.g. a lone system prompt): answer the last one.
		last = len(req.Messages) - 1
	}
	// The last message's text is read once, by scanText, which counts its
	// tokens too when the counter is the default and the text is a single
	// part (so that Text is that part, not a copy joined with newlines).
	fuse := -1
	if a.Counter == nil && last >= 0 && textParts(req.Messages[last]) == 1 {
		fuse = last
	}
	for i, m := range req.Messages {
		tokens := messageOverhead
		for _, p := range m.Parts {
			switch p := p.(type) {
			case llms.TextContent:
				if i != fuse {
					tokens += a.count(p.Text)
				}
			case *llms.TextContent:
				if p != nil && i != fuse {
					tokens += a.count(p.Text)
				}
			case llms.ImageURLContent:
				f.Images++
				tokens += imageTokens
			case *llms.ImageURLContent:
				if p != nil {
					f.Images++
					tokens += imageTokens
				}
			case llms.BinaryContent:
				tokens += a.binary(f, p.MIMEType, len(p.Data))
			case *llms.BinaryContent:
				if p != nil {
					tokens += a.binary(f, p.MIMEType, len(p.Data))
				}
			case llms.ToolCall:
				f.ToolCalls++
				if p.FunctionCall != nil {
					tokens += a.count(p.FunctionCall.Name) + a.count(p.FunctionCall.Arguments)
				}
			case llms.ToolCallResponse:
				f.ToolCalls++
				tokens += a.count(p.Content)
			}
		}
		f.Tokens += tokens
		if m.Role == llms.ChatMessageTypeSystem {
			f.SystemTokens += tokens
		}
	}
	for _, t := range req.Options.Tools {
		f.Tools++
		f.Tokens += toolOverhead
		if t.Function != nil {
			f.Tokens += a.count(t.Function.Name) + a.count(t.Function.Description)
		}
	}
	for _, fn := range req.Options.Functions {
		f.Tools++
		f.Tokens += toolOverhead + a.count(fn.Name) + a.count(fn.Description)
	}
	if last >= 0 {
		f.Text = messageText(req.Messages[last])
	}
	tc := scanText(f, ngrams, a.MaxNGramWords)
	if fuse >= 0 {
		t := tc.tokens()
		f.Tokens += t
		if req.Messages[fuse].Role == llms.ChatMessageTypeSystem {
			f.SystemTokens += t
		}
	}
}

func (a DefaultAnalyzer) binary(f *Features, mime string, n int) int {
	if strings.HasPrefix(mime, "image/") {
		f.Images++
		return imageTokens
	}
	f.BinaryParts++
	return (n + 3) / 4
}

// messageText joins the text parts of m with newlines. A single text part is
// returned as is, without copying.
func messageText(m llms.MessageContent) string {
	var first string
	n := 0
	for _, p := range m.Parts {
		if s, ok := partText(p); ok {
			if n == 0 {
				first = s
			}
			n++
		}
	}
	if n <= 1 {
		return first
	}
	var b strings.Builder
	for _, p := range m.Parts {
		if s, ok := partText(p); ok {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(s)
		}
	}
	return b.String()
}

// textParts counts the text parts of m.
func textParts(m llms.MessageContent) int {
	n := 0
	for _, p := range m.Parts {
		if _, ok := partText(p); ok {
			n++
		}
	}
	return n
}

func partText(p llms.ContentPart) (string, bool) {
	switch p := p.(type) {
	case llms.TextContent:
		return p.Text, true
	case *llms.TextContent:
		if p != nil {
			return p.Text, true
		}
	}
	return "", false
}
