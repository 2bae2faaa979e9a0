package dataset_test

import (
	"testing"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/internal/shareddata"
)

// BenchmarkLoad reads shared outcomes files: RouterBench (11 models a
// record) and Arena-Hard (answers in the outcomes).
func BenchmarkLoad(b *testing.B) {
	for _, name := range []string{"routerbench-train.jsonl", "arenahard-gpt4t-zp.jsonl"} {
		path := shareddata.Path(b, name)
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := dataset.Load(path); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
