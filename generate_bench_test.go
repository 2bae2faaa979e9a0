package llmrouter_test

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/tmc/langchaingo/llms"
)

// BenchmarkGenerateOverhead measures what GenerateContent adds to a
// provider call, on real 1 KB prompts (MMLU questions from ../shared/data,
// else 1 KB pieces of the repository's own Markdown). The provider returns
// one prebuilt response and allocates nothing, so:
//
//   - direct is the provider called directly, with the same options;
//   - route is Router.Route alone, the reference;
//   - the other sub-benchmarks are GenerateContent through a three-model
//     router (default classifier) in each execution mode; plain+openai-info
//     answers with the GenerationInfo of langchaingo's openai client (12
//     keys) instead of two.
//
// The router's overhead is (mode − direct); the target is ≤ 1.2 × route,
// i.e. execution adds at most 0.2 × route beyond routing, and ≤ 6
// allocations per call for plain and fallback (WithFallback{} defaults).
//
//	go test -run '^$' -bench BenchmarkGenerateOverhead -benchmem -cpu 1 -count 6 . | benchstat -
func BenchmarkGenerateOverhead(b *testing.B) {
	msgs, resp := genBenchMsgs(b), genBenchResponse()
	newRouter := func(b *testing.B, opts ...llmrouter.Option) *llmrouter.Router {
		return newStaticRouter(b, resp, opts...)
	}
	ctx := context.Background()
	opts := []llms.CallOption{llms.WithMaxTokens(64)}
	b.Run("direct", func(b *testing.B) {
		p := staticProvider{card: cheapCard, resp: resp}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := p.GenerateContent(ctx, msgs[i%len(msgs)], opts...); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("route", func(b *testing.B) {
		r := newRouter(b)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := r.Route(ctx, msgs[i%len(msgs)], opts...); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	for _, bc := range []struct {
		name string
		opts []llmrouter.Option
		resp *llms.ContentResponse // nil: resp
	}{
		{"plain", nil, nil},
		// The GenerationInfo of langchaingo's openai client: 12 keys, so
		// the router's copy with its 4 no longer fits one map group.
		{"plain+openai-info", nil, genBenchOpenAIResponse()},
		{"fallback", []llmrouter.Option{llmrouter.WithFallback(llmrouter.Fallback{})}, nil},
		{"fallback+verifier", []llmrouter.Option{llmrouter.WithFallback(llmrouter.Fallback{Verifier: llmrouter.DefaultVerifier})}, nil},
		{"fallback+timeout", []llmrouter.Option{llmrouter.WithFallback(llmrouter.Fallback{AttemptTimeout: time.Minute})}, nil},
		{"fallback+hedge", []llmrouter.Option{llmrouter.WithFallback(llmrouter.Fallback{Hedge: llmrouter.Hedge{Delay: time.Minute}})}, nil},
	} {
		resp := cmp.Or(bc.resp, resp)
		newRouter := func(b *testing.B, opts ...llmrouter.Option) *llmrouter.Router {
			return newStaticRouter(b, resp, opts...)
		}
		b.Run(bc.name, func(b *testing.B) {
			r := newRouter(b, bc.opts...)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := r.GenerateContent(ctx, msgs[i%len(msgs)], opts...); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		// The same mode against Route, in alternating blocks of calls on
		// one router, so that a busy machine slows both alike: reports
		// overhead-% = 100 × (GenerateContent − Route − direct) / Route.
		b.Run("vs-route/"+bc.name, func(b *testing.B) {
			r := newRouter(b, bc.opts...)
			p := staticProvider{card: cheapCard, resp: resp}
			const block = overheadBlock
			var route, gen, direct time.Duration
			i := 0
			for b.Loop() {
				t0 := time.Now()
				for k := range block {
					if _, err := r.Route(ctx, msgs[(i+k)%len(msgs)], opts...); err != nil {
						b.Fatal(err)
					}
				}
				t1 := time.Now()
				for k := range block {
					if _, err := r.GenerateContent(ctx, msgs[(i+k)%len(msgs)], opts...); err != nil {
						b.Fatal(err)
					}
				}
				t2 := time.Now()
				for k := range block {
					if _, err := p.GenerateContent(ctx, msgs[(i+k)%len(msgs)], opts...); err != nil {
						b.Fatal(err)
					}
				}
				direct += time.Since(t2)
				route, gen = route+t1.Sub(t0), gen+t2.Sub(t1)
				i += block
			}
			b.ReportMetric(100*float64(gen-route-direct)/float64(route), "overhead-%")
			b.ReportMetric(float64(route)/float64(i), "route-ns/call")
			b.ReportMetric(float64(gen)/float64(i), "generate-ns/call")
		})
	}
}

// overheadBlock is how many calls of one kind the overhead benchmarks run
// in a row before switching: about 25 ms, short against a busy machine's
// drift, and long enough that a block pays for what its own calls cost
// over time rather than per call: the collections its allocations cause
// (GenerateContent allocates some 1.8 KB a call here, and with the
// benchmark's small heap the collector runs every few MB) and the cache
// they churn. Blocks of 16 calls, as these benchmarks had until session
// 25, let part of that fall on the Route blocks around them, which made
// the overhead read some 6 points low on that host (separate Route and
// GenerateContent benchmarks agree with the long blocks).
const overheadBlock = 4096

// genBenchMsgs returns genBenchPrompts as one-message conversations.
func genBenchMsgs(b *testing.B) [][]llms.MessageContent {
	prompts := genBenchPrompts(b)
	msgs := make([][]llms.MessageContent, len(prompts))
	for i, p := range prompts {
		msgs[i] = []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, p)}
	}
	return msgs
}

// genBenchResponse is the prebuilt answer of the overhead benchmarks: one
// choice reporting its token usage, as langchaingo's clients do.
func genBenchResponse() *llms.ContentResponse {
	return &llms.ContentResponse{Choices: []*llms.ContentChoice{{
		Content: "B", GenerationInfo: map[string]any{"PromptTokens": 256, "CompletionTokens": 1},
	}}}
}

// genBenchOpenAIResponse is genBenchResponse with the GenerationInfo keys
// langchaingo's openai client sets on every choice (v0.1.14).
func genBenchOpenAIResponse() *llms.ContentResponse {
	info := map[string]any{"ThinkingContent": ""}
	for _, k := range []string{"CompletionTokens", "PromptTokens", "TotalTokens", "ReasoningTokens", "PromptAudioTokens",
		"ThinkingTokens", "PromptCachedTokens", "CompletionAudioTokens", "CompletionReasoningTokens",
		"CompletionAcceptedPredictionTokens", "CompletionRejectedPredictionTokens"} {
		info[k] = 0
	}
	info["PromptTokens"], info["CompletionTokens"], info["TotalTokens"] = 256, 1, 257
	return &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: "B", StopReason: "stop", GenerationInfo: info}}}
}

// newStaticRouter is a three-model router (cheap, mid, strong) whose
// providers all answer resp.
func newStaticRouter(b *testing.B, resp *llms.ContentResponse, opts ...llmrouter.Option) *llmrouter.Router {
	var ps []llmrouter.Provider
	for _, c := range []llmrouter.ModelCard{cheapCard, midCard, strongCard} {
		ps = append(ps, staticProvider{card: c, resp: resp})
	}
	r, err := llmrouter.New(ps, opts...)
	if err != nil {
		b.Fatal(err)
	}
	return r
}

// staticProvider answers every call with one prebuilt response and
// allocates nothing itself.
type staticProvider struct {
	card llmrouter.ModelCard
	resp *llms.ContentResponse
}

func (p staticProvider) Card() llmrouter.ModelCard { return p.card }

func (p staticProvider) GenerateContent(context.Context, []llms.MessageContent, ...llms.CallOption) (*llms.ContentResponse, error) {
	return p.resp, nil
}

// genBenchPrompts returns up to 64 real prompts of about 1 KB: MMLU
// questions of 900–1150 bytes from ../shared/data when present, else 1 KB
// pieces of the repository's Markdown files, cut at word boundaries.
func genBenchPrompts(b *testing.B) []string {
	const want = 64
	var out []string
	if f, err := os.Open(filepath.Join("..", "shared", "data", "routellm-mmlu.jsonl")); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() && len(out) < want {
			var row struct{ Prompt string }
			if json.Unmarshal(sc.Bytes(), &row) == nil && len(row.Prompt) >= 900 && len(row.Prompt) <= 1150 {
				out = append(out, row.Prompt)
			}
		}
	}
	if len(out) > 0 {
		return out
	}
	b.Log("../shared/data/routellm-mmlu.jsonl absent: using 1 KB pieces of the repository's Markdown")
	for _, name := range []string{"README.md", "RELIABILITY.md", "docs/DESIGN.md", "BENCHMARKS.md"} {
		data, err := os.ReadFile(name)
		if err != nil {
			continue
		}
		text := string(data)
		for len(text) >= 1024 && len(out) < want {
			cut := strings.LastIndexByte(text[:1024], ' ')
			if cut < 900 {
				cut = 1024
			}
			out = append(out, text[:cut])
			text = text[cut:]
		}
	}
	if len(out) == 0 {
		b.Skip("no real 1 KB prompts: neither ../shared/data nor the repository's Markdown is readable")
	}
	return out
}
