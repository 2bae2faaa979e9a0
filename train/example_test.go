package train_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/routertest"
	"github.com/llmrouter/llmrouter/train"
	"github.com/tmc/langchaingo/llms"
)

// ExampleLinear trains a per-model quality classifier on outcomes —
// here a few synthetic rows where the small model fails calculus and
// handles greetings — and routes with it.
func ExampleLinear() {
	var jsonl strings.Builder
	for i := range 20 {
		fmt.Fprintf(&jsonl, `{"id":"calc/%d","prompt":"Compute the integral of x^%d times sin x","outcomes":{"small":{"score":0},"large":{"score":1}}}`+"\n", i, i)
		fmt.Fprintf(&jsonl, `{"id":"chat/%d","prompt":"Say hello to guest number %d","outcomes":{"small":{"score":1},"large":{"score":1}}}`+"\n", i, i)
	}
	ds, err := dataset.Read(strings.NewReader(jsonl.String()))
	if err != nil {
		panic(err)
	}
	clf, err := train.Linear(ds, train.Options{Seed: 1})
	if err != nil {
		panic(err)
	}
	r, err := llmrouter.New([]llmrouter.Provider{
		routertest.NewProvider(llmrouter.ModelCard{Name: "small", InputPerMTok: 0.1, OutputPerMTok: 0.4}),
		routertest.NewProvider(llmrouter.ModelCard{Name: "large", InputPerMTok: 5, OutputPerMTok: 15}),
	}, llmrouter.WithClassifier(clf))
	if err != nil {
		panic(err)
	}
	for _, prompt := range []string{"Compute the integral of x^7 times sin x", "Say hello to guest number 42"} {
		d, err := r.Route(context.Background(), []llms.MessageContent{llms.TextParts(llms.ChatMessageTypeHuman, prompt)})
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-40s → %s\n", prompt, d.Model)
	}
	// Output:
	// Compute the integral of x^7 times sin x  → large
	// Say hello to guest number 42             → small
}

// ExampleLinearSeq trains on outcomes streamed from a reader (a file
// in practice): each prompt is hashed as it is read and its text dropped,
// and a malformed line stops training with the line's error.
func ExampleLinearSeq() {
	var jsonl strings.Builder
	for i := range 20 {
		fmt.Fprintf(&jsonl, `{"id":"calc/%d","prompt":"Compute the integral of x^%d times sin x","outcomes":{"small":{"score":0},"large":{"score":1}}}`+"\n", i, i)
		fmt.Fprintf(&jsonl, `{"id":"chat/%d","prompt":"Say hello to guest number %d","outcomes":{"small":{"score":1},"large":{"score":1}}}`+"\n", i, i)
	}
	clf, err := train.LinearSeq(dataset.ReadSeq(strings.NewReader(jsonl.String())), train.Options{HashBits: 12, Seed: 1})
	if err != nil {
		panic(err)
	}
	q, _ := clf.Predict("Compute the integral of x^7 times sin x")
	fmt.Println(clf.Info().Rows, "rows; small model's predicted quality on calculus below 0.5:", q[1] < 0.5)

	_, err = train.LinearSeq(dataset.ReadSeq(strings.NewReader(jsonl.String()+"{oops\n")), train.Options{HashBits: 12})
	var de *dataset.Error
	if errors.As(err, &de) {
		fmt.Println("line", de.Line)
	}
	// Output:
	// 40 rows; small model's predicted quality on calculus below 0.5: true
	// line 41
}
