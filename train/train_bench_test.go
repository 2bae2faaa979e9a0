package train_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/train"
)

// BenchmarkTrainLinear trains with the default options (tuning included)
// on the 14,037 RouteLLM MMLU rows of the shared data. Peak memory and
// larger row counts are measured from outside; see BENCHMARKS.md.
func BenchmarkTrainLinear(b *testing.B) {
	path := filepath.Join(sharedData, "routellm-mmlu.jsonl")
	if _, err := os.Stat(path); err != nil {
		b.Skipf("real data %s not found (%v): the shared outcomes data lives beside the repository in ../shared/data", path, err)
	}
	ds, err := dataset.Load(path)
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
