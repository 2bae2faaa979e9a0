package train_test

import (
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/internal/shareddata"
	"github.com/llmrouter/llmrouter/train"
)

// BenchmarkTrainLinear trains with the default options (tuning included)
// on the 14,037 RouteLLM MMLU rows of the shared data. Peak memory and
// larger row counts are measured from outside; see BENCHMARKS.md.
func BenchmarkTrainLinear(b *testing.B) {
	ds, err := dataset.Load(shareddata.Path(b, "routellm-mmlu.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := train.Linear(ds, train.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
