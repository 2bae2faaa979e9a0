package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
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
	out := fs.String("o", "", "write the predictions to this file (default: stdout)")
	fs.StringVar(out, "out", "", "same as -o")
	data := dataFlag(fs)
	quiet := fs.Bool("quiet", false, "no progress bar on stderr")
	fs.Usage = func() {
		fmt.Fprintln(stdout, "usage: llmrouter predict -model model.bin [-o pred.jsonl] data.jsonl [more.jsonl…]")
		fmt.Fprintln(stdout, "       llmrouter predict -model model.bin -data test.jsonl -out pred.jsonl")
		fmt.Fprintln(stdout, "writes one JSON line per record: {\"id\":…,\"predicted\":{model: quality}}")
		fmt.Fprintln(stdout, "records need an id and a prompt; outcomes are optional")
		fmt.Fprintln(stdout, stdioUsage)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *model == "" {
		return usagef("-model is required")
	}
	if err := checkOutput("o", *out, append(dataFiles(*data, fs.Args()), *model)...); err != nil {
		return err
	}
	c, err := loadModel(*model)
	if err != nil {
		return err
	}
	ds, err := loadDatasets(dataFiles(*data, fs.Args()), dataset.WithoutOutcomes()) // new prompts have none
	if err != nil {
		return err
	}
	bar := newProgress("predicting", ds.Len(), *quiet)
	write := func(w io.Writer) error { return writePredictions(clearingWriter{w: w, bar: &bar}, c, ds, bar) }
	err = writeOutput(stdout, orDefault(*out, "-"), write)
	bar.finish()
	return err
}

func writePredictions(w io.Writer, c *llmrouter.LinearClassifier, ds *dataset.Dataset, bar *progress) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	models := c.Models()
	hasDiff, _ := c.HasDifficulty()
	for i, r := range ds.Records {
		if i%64 == 0 {
			bar.set(i)
		}
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
	bar.set(ds.Len())
	return bw.Flush()
}
