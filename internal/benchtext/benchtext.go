// Package benchtext gives benchmarks real text, never a repeated sentence:
// the MMLU prompts of the shared outcomes data (../shared/data) when
// present, else the repository's own Markdown and Go files, read at
// benchmark time (not copied data). Each size class holds many distinct
// prompts, which a benchmark cycles through.
package benchtext

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/llmrouter/llmrouter/internal/shareddata"
)

// moduleRoot is the nearest directory upwards from the working directory
// that holds go.mod ("." if none).
func moduleRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return "."
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "."
		}
		dir = parent
	}
}

// Sizes are the size classes, in bytes (1 MB is available too).
var Sizes = []int{100, 1 << 10, 10 << 10, 100 << 10}

// benchPromptsPerClass is how many distinct prompts a class holds at most.
const benchPromptsPerClass = 128

type benchCorpus struct {
	source  string           // where the text came from
	classes map[int][]string // size → distinct prompts of about that size
}

var loadBenchCorpus = sync.OnceValue(func() *benchCorpus {
	data, _ := shareddata.Dir()
	texts, source := mmluPrompts(filepath.Join(data, "routellm-mmlu.jsonl"))
	if len(texts) == 0 {
		texts, source = repoParagraphs(moduleRoot())
	}
	c := &benchCorpus{source: source, classes: map[int][]string{}}
	for _, size := range append(Sizes, 1<<20) {
		c.classes[size] = promptsOfSize(texts, size)
	}
	return c
})

// Prompts returns the distinct prompts of a size class and where they
// came from. Safe for concurrent use; the corpus is read once.
func Prompts(size int) ([]string, string) {
	c := loadBenchCorpus()
	return c.classes[size], c.source
}

func mmluPrompts(path string) ([]string, string) {
	f, err := os.Open(path)
	if err != nil {
		return nil, ""
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var row struct {
			Prompt string `json:"prompt"`
		}
		if json.Unmarshal(sc.Bytes(), &row) == nil && row.Prompt != "" {
			out = append(out, row.Prompt)
		}
	}
	return out, "MMLU prompts of " + path
}

// repoParagraphs splits the repository's Markdown and Go files into
// paragraphs (blank-line separated).
func repoParagraphs(dir string) ([]string, string) {
	var out []string
	_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") && path != dir) {
			return filepath.SkipDir
		}
		if ext := filepath.Ext(path); ext != ".md" && ext != ".go" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		for _, p := range strings.Split(string(b), "\n\n") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return nil
	})
	return out, "paragraphs of the repository's .md and .go files (../shared/data absent)"
}

// promptsOfSize picks up to benchPromptsPerClass texts within 25% of size,
// spread over the corpus; when there are too few, it joins consecutive
// texts (blank-line separated) and cuts them at size, on a rune boundary.
func promptsOfSize(texts []string, size int) []string {
	var fit []string
	for _, t := range texts {
		if len(t) >= size*3/4 && len(t) <= size*5/4 {
			fit = append(fit, t)
		}
	}
	if len(fit) >= 32 {
		return spread(fit, benchPromptsPerClass)
	}
	var out []string
	var b strings.Builder
	want := min(benchPromptsPerClass, max(4, (8<<20)/size))
	for i := 0; len(out) < want && len(texts) > 0; i++ {
		// Start each prompt at a different place so prompts differ.
		t := texts[(i*7919)%len(texts)]
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(t)
		if b.Len() >= size {
			s := b.String()[:size]
			for len(s) > 0 && !utf8.ValidString(s[len(s)-3:]) {
				s = s[:len(s)-1]
			}
			out = append(out, s)
			b.Reset()
		}
	}
	return out
}

func spread(s []string, n int) []string {
	if len(s) <= n {
		return s
	}
	out := make([]string, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, s[i*len(s)/n])
	}
	return out
}
