package llmrouter

import (
	"math"
)

// Word categories looked up by unigram or bigram hash.
const (
	catCode uint8 = 1 << iota
	catMath
	catReasoning
	catMultiStep
	catCodeStrong
)

var markerWords = newHashSet(map[uint8][]string{
	// Code words that are also English words or common elsewhere (a
	// class, a return, a function in mathematics, a zip code): they read
	// as code only in company. "json" too: "Reply in JSON" asks for a
	// format, not for code. Not "let": "let me know", "let's", "let f be"
	// far outnumber the keyword, whose code has symbols enough.
	catCode: {"func", "def", "class", "return", "import", "const", "var",
		"public", "static", "void", "include", "lambda", "fn", "console", "await",
		"null", "nil", "bool", "int", "string", "rust", "function", "code", "bug",
		"compile", "endpoint", "json",
		// What a request for code says when it names no language ("Write
		// a function to …", "a program that prints …"); each counts with
		// "function" or alone, short of the "code" reading by itself.
		"function to", "function that", "a program", "program that", "a script",
		"script that"},
	// Code words that name a language, a tool or a construct of code and
	// little else: each counts as two, so one marks a short request as code
	// ("What does git rebase do?", "a Go function": "go" alone is the verb).
	// "git" shares the filter's bit with "by" (hashSet.filter), so a "by"
	// costs a probe: about 130 instructions a 1 KB prompt, 0.3% of Route.
	catCodeStrong: {"python", "golang", "javascript", "typescript", "java", "sql",
		"regex", "html", "css", "php", "bash", "powershell", "kotlin",
		"git", "github", "numpy", "dataframe", "println", "printf", "elif",
		"struct", "impl", "async", "api", "refactor", "select from", "unit test",
		"stack trace", "source code", "code snippet", "regular expression",
		"go function", "go code", "go program",
		// Data structures and their analysis.
		"linked list", "binary tree", "hash table", "hash map", "sorted array",
		"sorted arrays", "time complexity"},
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

// codeSymFloor is the least text length, in runes, over which code
// symbols are a density: in "Hello :)" one bracket in 8 runes is no code.
// Over 40 runes a text needs 4 symbols for the symbols alone to reach
// the "code" reading (0.3) and 5 for their full weight; longer texts are
// read per rune as before.
const codeSymFloor = 40

// hashSet maps word n-gram hashes to category bits: open addressing over a
// power-of-two table, because a map lookup per word would cost more than
// the rest of the analysis together.
type hashSet struct {
	keys []uint32
	vals []uint64
	mask uint32
	// filter has bit h>>17 set for every key h: most words are no key,
	// and one bit test tells so without a probe. 2^15 bits (4 KB) let
	// through under 1% of other words for the marker words' 159 keys
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

// markerCounts counts the n-grams of each marker category in set, a
// strong code word (catCodeStrong) twice in code. Its own function, so
// the loop over the n-grams (over 99% of which the filter rejects) keeps
// its few variables in registers: inside markerSignals it spilled and
// reloaded them at every n-gram.
func markerCounts(set *hashSet, ngrams []uint32) (code, math, reasoning, multiStep int) {
	for i := 0; i < len(ngrams); i++ {
		if i&1 == 0 {
			i = markerSkip(&set.filter, ngrams, i)
			if i >= len(ngrams) {
				break
			}
		}
		cat := uint8(set.get(ngrams[i]))
		// One counter for both code categories, branch-free: a fifth
		// counter, kept across markerSkip's calls, cost about 15
		// instructions a 1 KB prompt more (cachegrind).
		code += int(cat&catCode) + int(cat>>3&2) // catCodeStrong is 1<<4: 2
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
		code += clamp01(float64(codeSyms)/math.Max(n, codeSymFloor)*8) * 0.4
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
