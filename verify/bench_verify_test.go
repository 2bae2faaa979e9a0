package verify

import (
	"context"
	"testing"

	"github.com/llmrouter/llmrouter"
)

// BenchmarkVerify is the verifier as a cascade's Router calls it, per
// request, on the real 1 KB answers of BenchmarkScore: "accept" verifies
// the cheap model's answer and accepts it (prompt and answer read);
// "escalate" rejects it and then verifies the stronger model's answer to
// the same request (here the same text), which reads only its answer: the
// rejected answer's prompt is kept read (promptmemo.go). "escalate-nomemo"
// is the same with nothing kept, both answers reading the prompt. Floor is
// BenchmarkScore's FNV-1a pass over one prompt and answer, the reference
// for ratios.
func BenchmarkVerify(b *testing.B) {
	prompts, texts := realAnswers(b)
	answers := make([]*llmrouter.Answer, len(texts))
	for k := range texts {
		answers[k] = answerTo(prompts[k], texts[k])
	}
	ctx := context.Background()
	accept := Default().WithCutoff(1)
	accept.memo = nil
	b.Run("accept", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if accept.Verify(ctx, answers[i%len(answers)]) != nil {
				b.Fatal("rejected")
			}
		}
	})
	for _, bc := range []struct {
		name string
		memo *promptMemo
	}{{"escalate", new(promptMemo)}, {"escalate-nomemo", nil}} {
		m := Default().WithCutoff(0)
		m.memo = bc.memo
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				a := answers[i%len(answers)]
				if m.Verify(ctx, a) == nil || m.Verify(ctx, a) == nil {
					b.Fatal("accepted")
				}
			}
		})
	}
	b.Run("Floor", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			k := i % len(texts)
			sink = fnv(prompts[k]) ^ fnv(texts[k])
		}
	})
}
