package llmrouter

import (
	"context"
	"testing"
	"time"

	"github.com/tmc/langchaingo/llms"
)

// BenchmarkStages splits a decision on real 1 KB prompts (see
// benchtext_test.go) into its stages, beside the floor (floor_test.go).
func BenchmarkStages(b *testing.B) {
	prompts, _ := benchPrompts(1 << 10)
	if len(prompts) == 0 {
		b.Skip("no benchmark text found")
	}
	reqs := make([]Request, len(prompts))
	feats := make([]Features, len(prompts))
	for i, p := range prompts {
		reqs[i] = Request{Messages: []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, p)}}
		DefaultAnalyzer{}.Analyze(&reqs[i], &feats[i])
	}
	b.Run("Floor", func(b *testing.B) {
		floor := NewFloor(3)
		i, sink := 0, 0
		for b.Loop() {
			sink += floor.Route(prompts[i%len(prompts)])
			i++
		}
		_ = sink
	})
	b.Run("HashNGrams", func(b *testing.B) {
		buf := make([]uint32, 0, 1024)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			buf = hashNGrams(buf[:0], prompts[i%len(prompts)], 0)
			i++
		}
	})
	b.Run("estimateTokens", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			estimateTokens(prompts[i%len(prompts)])
			i++
		}
	})
	b.Run("Analyze", func(b *testing.B) {
		f := Features{NGrams: make([]uint32, 0, 1024)}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			f.NGrams = f.NGrams[:0]
			DefaultAnalyzer{}.Analyze(&reqs[i%len(reqs)], &f)
			i++
		}
	})
	models := make([]ModelCard, 3)
	p := Prediction{Quality: make([]float64, 3)}
	for _, c := range []struct {
		name string
		c    Classifier
	}{
		{"HeuristicClassify", heuristicClassifier{}},
		{"DefaultLinearClassify", mustDefaultLinear(b)},
		{"DefaultClassify", DefaultClassifier()},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				_ = c.c.Classify(context.Background(), &feats[i%len(feats)], models, &p)
				i++
			}
		})
	}
}

func mustDefaultLinear(b *testing.B) *LinearClassifier {
	c, err := defaultLinearClassifier()
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkStageRatios times each stage over all the 1 KB prompts in
// turn, as a multiple of the floor over the same prompts in the same
// loop, so that the ratios hold on a loaded machine.
func BenchmarkStageRatios(b *testing.B) {
	prompts, _ := benchPrompts(1 << 10)
	reqs := make([]Request, len(prompts))
	feats := make([]Features, len(prompts))
	for i, p := range prompts {
		reqs[i] = Request{Messages: []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, p)}}
		DefaultAnalyzer{}.Analyze(&reqs[i], &feats[i])
	}
	floor := NewFloor(3)
	buf := make([]uint32, 0, 1024)
	f := Features{NGrams: make([]uint32, 0, 1024)}
	models := make([]ModelCard, 3)
	p := Prediction{Quality: make([]float64, 3)}
	lin := mustDefaultLinear(b)
	dc := DefaultClassifier()
	var t [6]time.Duration
	sink := 0
	for b.Loop() {
		for s := 0; s < 6; s++ {
			t0 := time.Now()
			for k, pr := range prompts {
				switch s {
				case 0:
					sink += floor.Route(pr)
				case 1:
					buf = hashNGrams(buf[:0], pr, 0)
				case 2:
					f.NGrams = f.NGrams[:0]
					DefaultAnalyzer{}.Analyze(&reqs[k], &f)
				case 3:
					_ = lin.Classify(context.Background(), &feats[k], models, &p)
				case 4:
					_ = dc.Classify(context.Background(), &feats[k], models, &p)
				case 5:
					sink += estimateTokens(pr)
				}
			}
			t[s] += time.Since(t0)
		}
	}
	for s, name := range []string{"floor", "hash", "analyze", "linear", "default", "tokens"} {
		b.ReportMetric(float64(t[s])/float64(t[0]), name)
	}
}
