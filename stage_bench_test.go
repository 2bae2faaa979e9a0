package llmrouter

import (
	"context"
	"strings"
	"testing"

	"github.com/tmc/langchaingo/llms"
)

var stagePrompt = func() string {
	s := strings.Repeat("Our service stores orders in PostgreSQL and must explain why the nightly export is slow. ", 12)
	return s[:1024]
}()

// BenchmarkStages splits a decision on a 1 KB prompt into its stages.
func BenchmarkStages(b *testing.B) {
	b.Run("HashNGrams", func(b *testing.B) {
		buf := make([]uint32, 0, 1024)
		b.ReportAllocs()
		for b.Loop() {
			buf = HashNGrams(buf[:0], stagePrompt, 0)
		}
	})
	b.Run("EstimateTokens", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			EstimateTokens(stagePrompt)
		}
	})
	req := Request{Messages: []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, stagePrompt)}}
	f := Features{NGrams: make([]uint32, 0, 1024)}
	b.Run("Analyze", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			f.NGrams = f.NGrams[:0]
			DefaultAnalyzer{}.Analyze(&req, &f)
		}
	})
	b.Run("HeuristicClassify", func(b *testing.B) {
		models := make([]ModelCard, 3)
		p := Prediction{Quality: make([]float64, 3)}
		b.ReportAllocs()
		for b.Loop() {
			_ = HeuristicClassifier{}.Classify(context.Background(), &f, models, &p)
		}
	})
}
