package llmrouter_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/tmc/langchaingo/llms"
)

// prompt1KB is a 1 KB prompt of ordinary prose with a question in it.
var prompt1KB = func() string {
	s := strings.Repeat("Our service stores orders in PostgreSQL and must explain why the nightly export is slow. ", 12)
	return s[:1024]
}()

func benchRules(b *testing.B) *llmrouter.RuleClassifier {
	rules, err := llmrouter.NewRuleClassifier(llmrouter.RuleSet{
		Rules: []llmrouter.Rule{
			{Label: "code", Keywords: []string{"golang", "stack trace", "function", "compile"}},
			{Label: "math", Keywords: []string{"integral", "prove", "equation"}},
			{Label: "default"},
		},
		Labels: map[string]map[string]float64{
			"code":    {"cheap": 0.4, "mid": 0.85, "strong": 0.9},
			"math":    {"cheap": 0.3, "mid": 0.6, "strong": 0.9},
			"default": {"cheap": 0.72, "mid": 0.8, "strong": 0.9},
		},
	})
	if err != nil {
		b.Fatal(err)
	}
	return rules
}

// BenchmarkRoute is one routing decision — analyze, rule-classify, filter
// and select among three models — on a 1 KB prompt.
func BenchmarkRoute(b *testing.B) {
	for _, bc := range []struct {
		name string
		opt  llmrouter.Option
	}{
		{"default", llmrouter.WithClassifier(llmrouter.DefaultClassifier())},
		{"rules", llmrouter.WithClassifier(benchRules(b))},
		{"heuristic", llmrouter.WithClassifier(llmrouter.HeuristicClassifier{})},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ps := []llmrouter.Provider{routertest.NewProvider(cheapCard), routertest.NewProvider(midCard), routertest.NewProvider(strongCard)}
			r, err := llmrouter.New(ps, bc.opt)
			if err != nil {
				b.Fatal(err)
			}
			msgs := human(prompt1KB)
			ctx := context.Background()
			b.ReportAllocs()
			b.SetBytes(int64(len(prompt1KB)))
			for b.Loop() {
				if _, err := r.Route(ctx, msgs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// staticModel answers instantly with one prebuilt response: the cheapest
// possible provider, so the benchmark measures the router alone.
type staticModel struct{ resp *llms.ContentResponse }

func (m staticModel) GenerateContent(context.Context, []llms.MessageContent, ...llms.CallOption) (*llms.ContentResponse, error) {
	return m.resp, nil
}

func (m staticModel) Call(context.Context, string, ...llms.CallOption) (string, error) {
	return m.resp.Choices[0].Content, nil
}

// BenchmarkGenerateContent compares calling a provider directly with
// calling it through the router: the difference is the router's overhead.
func BenchmarkGenerateContent(b *testing.B) {
	var model llms.Model = staticModel{resp: &llms.ContentResponse{Choices: []*llms.ContentChoice{{
		Content: "ok", GenerationInfo: map[string]any{"PromptTokens": 256, "CompletionTokens": 2},
	}}}}
	msgs := human(prompt1KB)
	ctx := context.Background()
	b.Run("direct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := model.GenerateContent(ctx, msgs, llms.WithMaxTokens(64)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("router", func(b *testing.B) { benchRouterCall(b, model) })
}

// benchRouterCall measures GenerateContent through a three-model router
// over model, with the rule classifier and the given options.
func benchRouterCall(b *testing.B, model llms.Model, opts ...llmrouter.Option) {
	ps := []llmrouter.Provider{
		llmrouter.NewProvider(cheapCard, model), llmrouter.NewProvider(midCard, model), llmrouter.NewProvider(strongCard, model),
	}
	r, err := llmrouter.New(ps, append([]llmrouter.Option{llmrouter.WithClassifier(benchRules(b))}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	msgs := human(prompt1KB)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.GenerateContent(ctx, msgs, llms.WithMaxTokens(64)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRouteSize shows how a decision with the default classifier
// scales with the prompt: hashing stops at DefaultMaxNGramWords words, the
// token estimate and the text scan read everything.
func BenchmarkRouteSize(b *testing.B) {
	var ps []llmrouter.Provider
	for _, c := range []llmrouter.ModelCard{cheapCard, midCard, strongCard} {
		c.ContextWindow = 0 // unknown: no model is filtered out, whatever the size
		ps = append(ps, routertest.NewProvider(c))
	}
	r, err := llmrouter.New(ps)
	if err != nil {
		b.Fatal(err)
	}
	sentence := "Our service stores orders in PostgreSQL and must explain why the nightly export is slow. "
	for _, size := range []int{100, 1 << 10, 10 << 10, 100 << 10, 1 << 20} {
		text := strings.Repeat(sentence, size/len(sentence)+1)[:size]
		msgs := human(text)
		b.Run(byteSize(size), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(size))
			for b.Loop() {
				if _, err := r.Route(context.Background(), msgs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func byteSize(n int) string {
	switch {
	case n >= 1<<20:
		return strconv.Itoa(n>>20) + "MB"
	case n >= 1<<10:
		return strconv.Itoa(n>>10) + "KB"
	}
	return strconv.Itoa(n) + "B"
}
