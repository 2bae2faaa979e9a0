// Command synthrows writes n outcomes rows made by perturbing real ones, to
// measure training time and memory beyond the size of the real data
// (BENCHMARKS.md, "Training"). It never writes into the repository:
//
//	go run ./internal/synthrows -in ../shared/data/routellm-mmlu.jsonl -n 100000 > /tmp/mmlu-100k.jsonl
//
// Row i copies real row i mod len(rows); copies after the first swap two
// random words of the prompt, append a number and redraw each outcome's
// score with probability 0.2, so prompts stay distinct and realistic in
// length and vocabulary. The output is deterministic given -seed.
package main

import (
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"strings"

	"github.com/llmrouter/llmrouter/dataset"
)

func main() {
	in := flag.String("in", "../shared/data/routellm-mmlu.jsonl", "real outcomes JSONL to perturb")
	n := flag.Int("n", 100000, "rows to write")
	seed := flag.Uint64("seed", 1, "seed of the perturbations")
	flag.Parse()
	ds, err := dataset.Load(*in)
	if err != nil {
		log.Fatal(err)
	}
	if len(ds.Records) == 0 {
		log.Fatalf("%s: no rows", *in)
	}
	rng := rand.New(rand.NewPCG(*seed, 0x5eed))
	w := dataset.NewWriter(os.Stdout)
	for i := 0; i < *n; i++ {
		src := ds.Records[i%len(ds.Records)]
		rec := src
		if copyNo := i / len(ds.Records); copyNo > 0 {
			rec.ID = fmt.Sprintf("%s/synth%d", src.ID, copyNo)
			rec.Prompt = perturb(src.Prompt, copyNo, rng)
			rec.Outcomes = make(map[string]dataset.Outcome, len(src.Outcomes))
			for m, o := range src.Outcomes {
				if rng.Float64() < 0.2 {
					o.Score = float64(rng.IntN(2))
				}
				rec.Outcomes[m] = o
			}
		}
		if err := w.Write(rec); err != nil {
			log.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
}

// perturb swaps two words of p and appends a number.
func perturb(p string, k int, rng *rand.Rand) string {
	words := strings.Split(p, " ")
	if len(words) > 2 {
		a, b := rng.IntN(len(words)), rng.IntN(len(words))
		words[a], words[b] = words[b], words[a]
	}
	return strings.Join(words, " ") + fmt.Sprintf(" (%d)", k)
}
