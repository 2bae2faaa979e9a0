package verify

import (
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/internal/shareddata"
)

// realAnswers returns up to 64 real weak answers of 0.9–1.1 KB with their
// prompts.
func realAnswers(b *testing.B) (prompts, answers []string) {
	for _, f := range []string{"routellm-gsm8k-answers.jsonl", "arenahard-gpt4o-dw1.jsonl"} {
		ds, err := dataset.Load(shareddata.Path(b, f))
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range ds.Records {
			for _, o := range r.Outcomes {
				if n := len(o.Answer); n >= 900 && n <= 1100 && len(answers) < 64 {
					prompts, answers = append(prompts, r.Prompt), append(answers, o.Answer)
				}
			}
		}
	}
	if len(answers) == 0 {
		b.Skip("no 1 KB answers")
	}
	return prompts, answers
}

// BenchmarkScore/1KB is the verifier's decision on a real 1 KB answer;
// Floor, one scalar pass (FNV-1a) over the same prompts and answers, is
// the least any one-pass reader costs: the reference to take ratios
// against on a noisy machine.
func BenchmarkScore(b *testing.B) {
	prompts, answers := realAnswers(b)
	m := Default()
	b.Run("1KB", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			k := i % len(answers)
			m.Score(prompts[k], answers[k])
		}
	})
	b.Run("Floor", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			k := i % len(answers)
			sink = fnv(prompts[k]) ^ fnv(answers[k])
		}
	})
}

var sink uint32

func fnv(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}
