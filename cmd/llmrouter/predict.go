package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/llmrouter/llmrouter"
)

func init() {
	commands["predict"] = command{
		summary: "predict per-model quality with a trained model: predict -model model.bin data.jsonl…",
		run:     runPredict,
	}
}

// predictionLine is one line of predict's output (see DESIGN.md).
type predictionLine struct {
	ID         string             `json:"id"`
	Predicted  map[string]float64 `json:"predicted"`
	Difficulty *float64           `json:"difficulty,omitempty"`
}

func runPredict(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("predict", flag.ContinueOnError)
	fs.SetOutput(stdout)
	model := fs.String("model", "", "model file written by train (required)")
	fs.Usage = func() {
		fmt.Fprintln(stdout, "usage: llmrouter predict -model model.bin data.jsonl [more.jsonl…]")
		fmt.Fprintln(stdout, "writes one JSON line per record: {\"id\":…,\"predicted\":{model: quality}}")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *model == "" {
		return errors.New("-model is required")
	}
	c, err := llmrouter.LoadLinearClassifier(*model)
	if err != nil {
		return err
	}
	ds, err := loadDatasets(fs.Args())
	if err != nil {
		return err
	}
	return writePredictions(stdout, c, ds)
}

func writePredictions(w io.Writer, c *llmrouter.LinearClassifier, ds *llmrouter.Dataset) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	models := c.Models()
	cards := make([]llmrouter.ModelCard, len(models))
	for i, m := range models {
		cards[i] = llmrouter.ModelCard{Name: m}
	}
	hasDiff, _ := c.HasDifficulty()
	for _, r := range ds.Records {
		q, d := c.Predict(r.Prompt)
		line := predictionLine{ID: r.ID, Predicted: make(map[string]float64, len(models))}
		for i, m := range models {
			line.Predicted[m] = q[i]
		}
		if hasDiff {
			line.Difficulty = &d
		}
		if err := enc.Encode(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}
