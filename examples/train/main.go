// Train builds a routing classifier from your own outcomes. It writes a
// small outcomes dataset in memory — one JSON line per prompt, saying how
// well each of three models answered it — reads it back with dataset.Read,
// trains a LinearClassifier with train.Linear, saves it to a file and loads
// it again (as a service would at start-up), and routes new prompts with it.
//
// The synthetic outcomes make the right routing obvious: the cheap "small"
// model handles greetings and simple lookups, the mid-priced "coder" model
// also handles programming, and only the expensive "large" model gets proofs
// right. No network, no API key; the dataset and model file are temporary.
//
//	go run ./examples/train
package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/llmrouter/llmrouter/train"
	"github.com/tmc/langchaingo/llms"
)

func main() {
	if err := run(os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// The three kinds of traffic, with which model answers each acceptably
// (score 1) and which does not (score 0).
var kinds = []struct {
	task    string
	prompts []string
	scores  map[string]float64
}{
	{
		task: "chat",
		prompts: []string{
			"Hi there, how are you today?", "Good morning! Any plans for the weekend?",
			"What is the capital of France?", "What is the capital of Japan?",
			"Say hello to my friend Sam.", "Thanks a lot, that was helpful!",
			"What time zone is London in?", "How many days are in a week?",
			"Tell me a fun fact about cats.", "What colour is the sky on a clear day?",
			"Who wrote Romeo and Juliet?", "Translate hello into Spanish.",
		},
		scores: map[string]float64{"small": 1, "coder": 1, "large": 1},
	},
	{
		task: "code",
		prompts: []string{
			"Write a Go function that reverses a slice of ints.",
			"Fix this Python code: for i in range(10) print(i)",
			"Write a SQL query that counts orders per customer.",
			"Implement a binary search function in Go.",
			"Refactor this JavaScript function to use async/await.",
			"Write a unit test in Go for a function that parses dates.",
			"Why does my Rust code fail with a borrow checker error?",
			"Write a bash script that deletes log files older than a week.",
			"Implement a thread-safe LRU cache in Go.",
			"Convert this Python function to TypeScript.",
			"Write a regular expression that matches email addresses.",
			"Debug this Go code: the goroutine never returns.",
		},
		scores: map[string]float64{"small": 0, "coder": 1, "large": 1},
	},
	{
		task: "proof",
		prompts: []string{
			"Prove that there are infinitely many prime numbers.",
			"Prove that the square root of 2 is irrational.",
			"Prove by induction that the sum of the first n odd numbers is n squared.",
			"Prove that every finite group of prime order is cyclic.",
			"Prove that a continuous function on a closed interval is bounded.",
			"Prove the Cauchy-Schwarz inequality for real vectors.",
			"Prove that the harmonic series diverges.",
			"Prove that there is no largest even number.",
			"Prove that the composition of two injective functions is injective.",
			"Prove that e is irrational.",
			"Prove that every tree with n vertices has n minus 1 edges.",
			"Prove that a bounded monotone sequence converges.",
		},
		scores: map[string]float64{"small": 0, "coder": 0, "large": 1},
	},
}

// outcomesJSONL returns the outcomes dataset as JSONL, the format
// dataset.Read, dataset.Load and `llmrouter train` read.
func outcomesJSONL() ([]byte, error) {
	var records []dataset.Record
	for _, k := range kinds {
		for i, p := range k.prompts {
			outcomes := map[string]dataset.Outcome{}
			for model, score := range k.scores {
				outcomes[model] = dataset.Outcome{Score: score}
			}
			records = append(records, dataset.Record{
				ID: fmt.Sprintf("%s/%d", k.task, i), Task: k.task, Prompt: p, Outcomes: outcomes,
			})
		}
	}
	var buf bytes.Buffer
	if err := dataset.Write(&buf, records); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func run(w io.Writer) error {
	data, err := outcomesJSONL()
	if err != nil {
		return err
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	fmt.Fprintf(w, "outcomes, one JSON line per prompt, e.g.\n  %s\n", first)

	ds, err := dataset.Read(bytes.NewReader(data))
	if err != nil {
		return err
	}
	for _, s := range ds.ModelStats() {
		fmt.Fprintf(w, "  %-5s %d rows, mean score %.2f\n", s.Model, s.Rows, s.MeanScore)
	}

	clf, err := train.Linear(ds, train.Options{
		Seed:     1,  // training is deterministic given the seed
		HashBits: 12, // 4,096 n-gram buckets are plenty for a few dozen prompts
		// The default penalties (3 to 100) suit thousands of rows; with a
		// few dozen they shrink every prediction toward the model's mean
		// score. Lighter penalties let this small dataset speak.
		Lambdas: []float64{0.1, 0.3, 1},
	})
	if err != nil {
		return err
	}
	info := clf.Info()
	fmt.Fprintf(w, "trained on %d rows (ridge penalty %g, chosen by cross-validation: %v)\n", info.Rows, info.Lambda, info.Tuned)

	// Save the model and load it back, as a service would at start-up.
	dir, err := os.MkdirTemp("", "llmrouter-train-example")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "router.bin")
	if err := clf.Save(path); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	loaded, err := llmrouter.ReadLinearClassifier(f)
	f.Close()
	if err != nil {
		return err
	}
	if st, err := os.Stat(path); err == nil {
		fmt.Fprintf(w, "saved and reloaded %s (%d bytes)\n", filepath.Base(path), st.Size())
	}

	// The router's cards carry the prices; the classifier predicts quality;
	// CheapestAdequate (the default policy) takes the cheapest model
	// predicted good enough.
	cards := []llmrouter.ModelCard{
		{Name: "small", InputPerMTok: 0.10, OutputPerMTok: 0.40},
		{Name: "coder", InputPerMTok: 0.80, OutputPerMTok: 3},
		{Name: "large", InputPerMTok: 5, OutputPerMTok: 15},
	}
	providers := make([]llmrouter.Provider, len(cards))
	for i, c := range cards {
		providers[i] = routertest.NewProvider(c)
	}
	router, err := llmrouter.New(providers, llmrouter.WithClassifier(loaded))
	if err != nil {
		return err
	}

	fmt.Fprintln(w, "new prompts:")
	for _, p := range []string{
		"Hello! What is the capital of Italy?",
		"Write a Go function that merges two sorted slices.",
		"Prove that the square root of 3 is irrational.",
	} {
		d, err := router.Route(context.Background(), []llms.MessageContent{
			llms.TextParts(llms.ChatMessageTypeHuman, p),
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %-52s → %-5s (predicted %s)\n", p, d.Model, qualities(d))
	}
	return nil
}

// qualities lists each model's predicted quality in a decision.
func qualities(d *llmrouter.Decision) string {
	parts := make([]string, len(d.Candidates))
	for i, c := range d.Candidates {
		parts[i] = fmt.Sprintf("%s %.2f", c.Model, c.Quality)
	}
	return strings.Join(parts, ", ")
}
