package verify

import (
	"runtime"
	"testing"
	"time"

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
	// 1KBPrompted is the same decision with each prompt read beforehand
	// (ReadPrompt, ScorePrompt): the cost per answer when several answers
	// to one prompt are scored.
	read := make([]Prompt, len(prompts))
	for k := range prompts {
		read[k] = ReadPrompt(prompts[k])
	}
	b.Run("ReadPrompt", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			read[i%len(read)] = ReadPrompt(prompts[i%len(prompts)])
		}
	})
	b.Run("1KBPrompted", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			k := i % len(answers)
			m.ScorePrompt(&read[k], answers[k])
		}
	})
	b.Run("Floor", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			k := i % len(answers)
			sink = fnv(prompts[k]) ^ fnv(answers[k])
		}
	})
	// Ratio alternates batches of Score and Floor over the same answers,
	// timing each by the thread's CPU time, and reports Score's cost as a
	// multiple of Floor's (x-floor) and both per answer: on a machine
	// shared with other work the ratio is steady where ns/op is not.
	b.Run("Ratio", func(b *testing.B) {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		var score, prompted, floor time.Duration
		n := 0
		for b.Loop() {
			t0 := threadCPU()
			for r := 0; r < 16; r++ {
				for k := range prompts {
					m.Score(prompts[k], answers[k])
				}
			}
			t1 := threadCPU()
			for r := 0; r < 16; r++ {
				for k := range prompts {
					sink = fnv(prompts[k]) ^ fnv(answers[k])
				}
			}
			t2 := threadCPU()
			for r := 0; r < 16; r++ {
				for k := range read {
					m.ScorePrompt(&read[k], answers[k])
				}
			}
			t3 := threadCPU()
			score, floor, prompted = score+t1-t0, floor+t2-t1, prompted+t3-t2
			n += 16 * len(prompts)
		}
		b.ReportMetric(float64(score)/float64(n), "score-cpu-ns/answer")
		b.ReportMetric(float64(floor)/float64(n), "floor-cpu-ns/answer")
		b.ReportMetric(float64(score)/float64(floor), "x-floor")
		b.ReportMetric(float64(prompted)/float64(n), "prompted-cpu-ns/answer")
		b.ReportMetric(float64(prompted)/float64(floor), "prompted-x-floor")
	})
}

func wallClock() time.Duration { return time.Duration(time.Now().UnixNano()) }

var sink uint32

func fnv(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}
