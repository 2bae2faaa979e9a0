package llmrouter

import (
	"math"
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"

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

// Script is the dominant writing system of a text.
type Script uint8

// Scripts the analyzer tells apart.
const (
	ScriptUnknown Script = iota // no letters
	ScriptLatin
	ScriptCyrillic
	ScriptGreek
	ScriptArabic
	ScriptHebrew
	ScriptDevanagari
	ScriptCJK // Han, Hiragana, Katakana and Hangul
	ScriptOther
)

var scriptNames = [...]string{"unknown", "latin", "cyrillic", "greek", "arabic", "hebrew", "devanagari", "cjk", "other"}

func (s Script) String() string {
	if int(s) < len(scriptNames) {
		return scriptNames[s]
	}
	return "script(" + itoa(int(s)) + ")"
}

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
	// (fences, keywords, symbol density) and like mathematics (digits,
	// operators, LaTeX, math words).
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

// estimateTokens is the built-in token counter (DefaultAnalyzer.Counter
// documents it): no vocabulary, no network.
func estimateTokens(text string) int {
	return tokenCount(text).tokens()
}

// runeCounts are what estimateTokens counts: ASCII bytes, CJK runes and
// other runes. Counts of parts of a text add up to the text's.
type runeCounts struct{ ascii, cjk, other int }

func (c runeCounts) tokens() int { return (c.ascii+3)/4 + c.cjk + (c.other+1)/2 }

func tokenCount(text string) runeCounts {
	var ascii, cjk, other int
	for i := 0; i < len(text); {
		// 32 ASCII bytes at a time: the common case.
		for i+32 <= len(text) {
			s := text[i : i+32]
			if (load64(s[0:8])|load64(s[8:16])|load64(s[16:24])|load64(s[24:32]))&0x8080808080808080 != 0 {
				break
			}
			ascii += 32
			i += 32
		}
		if i == len(text) {
			break
		}
		// Then eight: a word with a non-ASCII byte still counts the ASCII
		// bytes before it at once.
		if i+8 <= len(text) {
			hi := load64(text[i:i+8]) & 0x8080808080808080
			if hi == 0 {
				ascii += 8
				i += 8
				continue
			}
			if n := bits.TrailingZeros64(hi) >> 3; n > 0 {
				ascii += n
				i += n
				continue
			}
		}
		c := text[i]
		if c < utf8.RuneSelf {
			ascii++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if isCJK(r) {
			cjk++
		} else {
			other++
		}
	}
	return runeCounts{ascii, cjk, other}
}

// load64 reads the first 8 bytes of s, little-endian (one load).
func load64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// Per-part token estimates for content without text.
const (
	// imageTokens is the estimate for one image: what a high-detail
	// 1024×1024 image costs on OpenAI's vision models (85 + 4·170).
	imageTokens = 765
	// messageOverhead is the role and framing tokens of each message.
	messageOverhead = 4
	// toolOverhead is the framing of each tool definition, beyond the
	// estimated tokens of its name and description.
	toolOverhead = 40
)

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
	// Counter: c}) also counts answers with c when a provider reports no
	// usage. nil means the built-in estimate, no vocabulary and no
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

func isCJK(r rune) bool {
	if r < 0x2E80 && (r < 0x1100 || r > 0x11FF) {
		// No rune of the four scripts lies below U+2E80 but Hangul Jamo:
		// curly quotes and dashes need no table search.
		return false
	}
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r)
}

func scriptOf(r rune) Script {
	switch {
	case r < utf8.RuneSelf:
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return ScriptLatin
		}
		return ScriptUnknown
	case !unicode.IsLetter(r):
		return ScriptUnknown
	case unicode.Is(unicode.Latin, r):
		return ScriptLatin
	case unicode.Is(unicode.Cyrillic, r):
		return ScriptCyrillic
	case unicode.Is(unicode.Greek, r):
		return ScriptGreek
	case unicode.Is(unicode.Arabic, r):
		return ScriptArabic
	case unicode.Is(unicode.Hebrew, r):
		return ScriptHebrew
	case unicode.Is(unicode.Devanagari, r):
		return ScriptDevanagari
	case isCJK(r):
		return ScriptCJK
	}
	return ScriptOther
}

// Word categories looked up by unigram or bigram hash.
const (
	catCode uint8 = 1 << iota
	catMath
	catReasoning
	catMultiStep
)

var markerWords = newHashSet(map[uint8][]string{
	catCode: {"func", "def", "class", "return", "import", "const", "var", "let",
		"public", "static", "void", "include", "lambda", "fn", "impl", "struct",
		"println", "printf", "console", "async", "await", "select from", "elif",
		"null", "nil", "bool", "int", "string", "python", "golang", "javascript",
		"typescript", "java", "rust", "sql", "function", "code", "regex", "bug",
		"compile", "stack trace", "api", "json", "endpoint", "refactor", "unit test"},
	catMath: {"equation", "integral", "derivative", "solve", "theorem", "lemma",
		"probability", "matrix", "polynomial", "sum", "prime", "sqrt", "frac",
		"log", "sin", "cos", "limit", "calculate", "compute", "percent",
		"how many", "how much", "algebra", "geometry", "proof", "prove", "modulo",
		"square root", "irrational", "rational", "integer", "integers", "divisible",
		"infinitely", "inequality", "vector", "eigenvalue", "converge", "series"},
	catReasoning: {"why", "explain", "prove", "derive", "analyze", "analyse",
		"compare", "contrast", "justify", "evaluate", "reason", "reasoning",
		"tradeoffs", "trade offs", "implications", "critique", "argue",
		"assess", "infer", "deduce", "optimal", "design", "architecture",
		"derivation", "rigorous", "rigorously", "counterexample", "why not"},
	catMultiStep: {"first", "then", "finally", "next", "afterwards", "step",
		"steps", "by step", "plan", "outline", "after that", "and then",
		"stages", "phases", "pipeline", "roadmap", "itinerary", "sequence"},
})

// hashSet maps word n-gram hashes to category bits: open addressing over a
// power-of-two table, because a map lookup per word would cost more than
// the rest of the analysis together.
type hashSet struct {
	keys []uint32
	vals []uint64
	mask uint32
	// filter has bit h>>17 set for every key h: most words are no key,
	// and one bit test tells so without a probe. 2^15 bits (4 KB) let
	// through under 1% of other words for the marker words' 170 keys
	// (2^12 bits let through 4%, each a mispredicted branch and a probe).
	filter [512]uint64
}

func newHashSet(groups map[uint8][]string) *hashSet {
	n := 0
	for _, ws := range groups {
		n += len(ws)
	}
	s := makeHashSet(n)
	for cat, ws := range groups {
		for _, w := range ws {
			hs := hashNGrams(nil, w, 0)
			s.add(hs[len(hs)-1], uint64(cat)) // the last hash is the whole phrase (bigram) or the word
		}
	}
	return s
}

// makeHashSet returns an empty set with room for n keys at a load of at
// most one quarter, so probes stay short.
func makeHashSet(n int) *hashSet {
	size := 8
	for size < 4*n {
		size <<= 1
	}
	return &hashSet{keys: make([]uint32, size), vals: make([]uint64, size), mask: uint32(size - 1)}
}

func (s *hashSet) add(h uint32, cat uint64) {
	if h == 0 {
		h = 1 // 0 marks an empty slot
	}
	s.filter[h>>23] |= 1 << (h >> 17 & 63)
	for i := h & s.mask; ; i = (i + 1) & s.mask {
		if s.keys[i] == 0 || s.keys[i] == h {
			s.keys[i] = h
			s.vals[i] |= cat
			return
		}
	}
}

func (s *hashSet) get(h uint32) uint64 {
	// The filter first: 0 and 1 (the key 0 stands for) share its bit.
	if s.filter[h>>23]&(1<<(h>>17&63)) == 0 {
		return 0
	}
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

// markerCounts counts the n-grams of each marker category in set. Its
// own function, so the loop over the n-grams (over 99% of which the
// filter rejects) keeps its few variables in registers: inside
// markerSignals it spilled and reloaded them at every n-gram.
func markerCounts(set *hashSet, ngrams []uint32) (code, math, reasoning, multiStep int) {
	for i := 0; i < len(ngrams); i++ {
		if i&1 == 0 {
			i = markerSkip(&set.filter, ngrams, i)
			if i >= len(ngrams) {
				break
			}
		}
		cat := uint8(set.get(ngrams[i]))
		if cat&catCode != 0 {
			code++
		}
		if cat&catMath != 0 {
			math++
		}
		if cat&catReasoning != 0 {
			reasoning++
		}
		if cat&catMultiStep != 0 {
			multiStep++
		}
	}
	return
}

// markerSkip returns the first even index from i (even) of a pair of
// ngrams, or of a last odd one, that the filter lets through, else
// len(ngrams). A loop without calls and two n-grams a turn: fewer
// instructions for each rejected one, over 99% of them.
func markerSkip(filter *[512]uint64, ngrams []uint32, i int) int {
	_ = filter[0] // the nil check, out of the loop
	// In this form the compiler drops the pair's bounds checks.
	p := ngrams[i:]
	j := 0
	for ; j < len(p)-1; j += 2 {
		h0, h1 := p[j], p[j+1]
		if filter[h0>>23]&(1<<(h0>>17&63)) != 0 || filter[h1>>23]&(1<<(h1>>17&63)) != 0 {
			return i + j
		}
	}
	i += j
	if i < len(ngrams) {
		if h := ngrams[i]; filter[h>>23]&(1<<(h>>17&63)) != 0 {
			return i
		}
	}
	return len(ngrams)
}

// markerSignals fills Words, Reasoning, MultiStep, Code and Math from
// f.NGrams and the counts of scanText's pass over runes characters.
func markerSignals(f *Features, runes, digits, mathOps, codeSyms, latex, numbered int) {
	// Position 0 and the odd ones are words, even positions ≥ 2 bigrams
	// (see HashNGrams).
	if n := len(f.NGrams); n > 0 {
		f.Words += n/2 + 1
	}
	codeWords, mathWords, reasoning, multiStep := markerCounts(markerWords, f.NGrams)
	f.Reasoning += reasoning
	f.MultiStep += multiStep + numbered

	if runes > 0 {
		n := float64(runes)
		code := 0.0
		if f.CodeFences > 0 {
			code += 0.6
		}
		code += clamp01(float64(codeSyms)/n*8) * 0.4
		// Marker words count as a density past 60 words: in a long text a
		// few incidental matches must not read as code or mathematics.
		wordNorm := math.Max(3, 0.05*float64(f.Words))
		code += clamp01(float64(codeWords)/wordNorm) * 0.6
		f.Code = clamp01(code)
		m := clamp01(float64(digits)/n*5)*0.3 + clamp01(float64(mathOps)/n*10)*0.3 +
			clamp01(float64(latex)/3)*0.3 + clamp01(float64(mathWords)/wordNorm)*0.3
		f.Math = clamp01(m)
	}
}

func clamp01(x float64) float64 {
	switch {
	case x < 0 || x != x:
		return 0
	case x > 1:
		return 1
	}
	return x
}
