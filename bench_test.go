package llmrouter_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

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

// routeMsgs is one request per distinct prompt of a size class.
func routeMsgs(b *testing.B, size int) ([][]llms.MessageContent, int) {
	prompts, source := llmrouter.BenchPrompts(size)
	if len(prompts) == 0 {
		b.Skip("no benchmark text found")
	}
	b.Logf("%d distinct prompts of %d B on average, from %s", len(prompts), meanBytes(prompts), source)
	msgs := make([][]llms.MessageContent, len(prompts))
	for i, p := range prompts {
		msgs[i] = human(p)
	}
	return msgs, meanBytes(prompts)
}

func meanBytes(prompts []string) int {
	n := 0
	for _, p := range prompts {
		n += len(p)
	}
	return n / max(1, len(prompts))
}

func benchRouter(b *testing.B, opts ...llmrouter.Option) *llmrouter.Router {
	var ps []llmrouter.Provider
	for _, c := range []llmrouter.ModelCard{cheapCard, midCard, strongCard} {
		c.ContextWindow = 0 // unknown: no model is filtered out, whatever the size
		ps = append(ps, routertest.NewProvider(c))
	}
	r, err := llmrouter.New(ps, opts...)
	if err != nil {
		b.Fatal(err)
	}
	return r
}

// BenchmarkRoute is one routing decision — analyze, classify, filter and
// select among three models — on real 1 KB prompts (MMLU questions from
// ../shared/data, else paragraphs of this repository), cycling through
// many distinct prompts.
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
			r := benchRouter(b, bc.opt)
			msgs, n := routeMsgs(b, 1<<10)
			ctx := context.Background()
			b.ReportAllocs()
			b.SetBytes(int64(n))
			i := 0
			for b.Loop() {
				if _, err := r.Route(ctx, msgs[i%len(msgs)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkRouteSize is a decision with the default classifier at each
// size class of real text (100 B, 1 KB, 10 KB, 100 KB, 1 MB).
func BenchmarkRouteSize(b *testing.B) {
	r := benchRouter(b)
	for _, size := range []int{100, 1 << 10, 10 << 10, 100 << 10, 1 << 20} {
		b.Run(byteSize(size), func(b *testing.B) {
			msgs, n := routeMsgs(b, size)
			ctx := context.Background()
			b.ReportAllocs()
			b.SetBytes(int64(n))
			i := 0
			for b.Loop() {
				if _, err := r.Route(ctx, msgs[i%len(msgs)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkFloor is the reference of BenchmarkRouteSize: the least a text
// router does (floor_test.go), on the same prompts.
func BenchmarkFloor(b *testing.B) {
	floor := llmrouter.NewFloor(3)
	for _, size := range []int{100, 1 << 10, 10 << 10, 100 << 10, 1 << 20} {
		b.Run(byteSize(size), func(b *testing.B) {
			prompts, _ := llmrouter.BenchPrompts(size)
			if len(prompts) == 0 {
				b.Skip("no benchmark text found")
			}
			b.ReportAllocs()
			b.SetBytes(int64(meanBytes(prompts)))
			i, sink := 0, 0
			for b.Loop() {
				sink += floor.Route(prompts[i%len(prompts)])
				i++
			}
			_ = sink
		})
	}
}

// BenchmarkRouteVsFloor reports Route with the default classifier as a
// multiple of the floor ("x-floor"), timing the two in alternating blocks
// of 64 prompts, so both see the same machine load.
func BenchmarkRouteVsFloor(b *testing.B) {
	r := benchRouter(b)
	floor := llmrouter.NewFloor(3)
	for _, size := range []int{100, 1 << 10, 10 << 10, 100 << 10} {
		b.Run(byteSize(size), func(b *testing.B) {
			msgs, _ := routeMsgs(b, size)
			prompts, _ := llmrouter.BenchPrompts(size)
			ctx := context.Background()
			var tRoute, tFloor time.Duration
			i, sink := 0, 0
			for b.Loop() {
				t0 := time.Now()
				for k := 0; k < 64; k++ {
					if _, err := r.Route(ctx, msgs[(i+k)%len(msgs)]); err != nil {
						b.Fatal(err)
					}
				}
				t1 := time.Now()
				for k := 0; k < 64; k++ {
					sink += floor.Route(prompts[(i+k)%len(prompts)])
				}
				tFloor += time.Since(t1)
				tRoute += t1.Sub(t0)
				i += 64
			}
			_ = sink
			b.ReportMetric(float64(tRoute)/float64(tFloor), "x-floor")
			b.ReportMetric(float64(tRoute.Nanoseconds())/float64(i), "route-ns")
			b.ReportMetric(float64(tFloor.Nanoseconds())/float64(i), "floor-ns")
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
// over model, with the rule classifier and the given options, on the real
// 1 KB prompts of benchtext_test.go.
func benchRouterCall(b *testing.B, model llms.Model, opts ...llmrouter.Option) {
	ps := []llmrouter.Provider{
		llmrouter.NewProvider(cheapCard, model), llmrouter.NewProvider(midCard, model), llmrouter.NewProvider(strongCard, model),
	}
	r, err := llmrouter.New(ps, append([]llmrouter.Option{llmrouter.WithClassifier(benchRules(b))}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	// Real 1 KB prompts, cycled through, as the routing benchmarks use.
	texts, _ := llmrouter.BenchPrompts(1 << 10)
	msgs := make([][]llms.MessageContent, len(texts))
	for i, t := range texts {
		msgs[i] = human(t)
	}
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := r.GenerateContent(ctx, msgs[i%len(msgs)], llms.WithMaxTokens(64)); err != nil {
			b.Fatal(err)
		}
		i++
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
