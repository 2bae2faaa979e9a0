package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/llmrouter/llmrouter"
)

func init() {
	commands["train"] = command{
		summary: "train a linear classifier on outcomes JSONL: train -o model.bin data.jsonl…",
		run:     runTrain,
	}
}

// trainFlags are the TrainOptions flags shared by train and eval.
type trainFlags struct {
	bits, tuneFolds     int
	lambdas, dense, idf string
	models, reference   string
	seed                uint64
	classWeight, diff   bool
	diffOnly            bool
}

func (t *trainFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&t.bits, "bits", llmrouter.DefaultLinearHashBits, "n-gram hash buckets: 2^bits")
	fs.StringVar(&t.lambdas, "lambda", "", "comma-separated candidate ridge penalties (default 3,10,30,100; tuned by cross-validation)")
	fs.StringVar(&t.dense, "dense", "", "comma-separated candidate dense-feature weights (default 0.1; 0 = none)")
	fs.StringVar(&t.idf, "idf", "auto", "weigh n-grams by idf: auto (tuned), on, off")
	fs.IntVar(&t.tuneFolds, "tune-folds", 3, "cross-validation folds for tuning")
	fs.Uint64Var(&t.seed, "seed", 1, "seed of the tuning folds")
	fs.BoolVar(&t.classWeight, "class-weight", false, "balance acceptable and unacceptable outcomes per model")
	fs.BoolVar(&t.diff, "difficulty", false, "also predict a model-agnostic difficulty (gain of the reference model)")
	fs.BoolVar(&t.diffOnly, "difficulty-only", false, "predict only the model-agnostic difficulty (small model, no per-model outputs)")
	fs.StringVar(&t.models, "models", "", "comma-separated models to predict (default: all in the data)")
	fs.StringVar(&t.reference, "reference", "", "reference (strong) model for tuning and difficulty (default: the best on average)")
}

func (t *trainFlags) options() (llmrouter.TrainOptions, error) {
	o := llmrouter.TrainOptions{HashBits: t.bits, TuneFolds: t.tuneFolds, Seed: t.seed, ClassWeight: t.classWeight, Difficulty: t.diff, DifficultyOnly: t.diffOnly, Reference: t.reference}
	var err error
	if o.Lambdas, err = floats(t.lambdas); err != nil {
		return o, fmt.Errorf("-lambda: %w", err)
	}
	if o.DenseWeights, err = floats(t.dense); err != nil {
		return o, fmt.Errorf("-dense: %w", err)
	}
	switch t.idf {
	case "auto":
	case "on":
		o.IDF = llmrouter.IDFOn
	case "off":
		o.IDF = llmrouter.IDFOff
	default:
		return o, fmt.Errorf("-idf %q: want auto, on or off", t.idf)
	}
	if t.models != "" {
		o.Models = strings.Split(t.models, ",")
	}
	return o, nil
}

func floats(s string) ([]float64, error) {
	if s == "" {
		return nil, nil
	}
	var out []float64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// loadDatasets reads and concatenates outcomes files.
func loadDatasets(paths []string) (*llmrouter.Dataset, error) {
	if len(paths) == 0 {
		return nil, errors.New("no data files given")
	}
	all := &llmrouter.Dataset{}
	for _, p := range paths {
		for _, q := range strings.Split(p, ",") {
			ds, err := llmrouter.LoadDataset(q)
			if err != nil {
				return nil, err
			}
			all.Records = append(all.Records, ds.Records...)
		}
	}
	return all, nil
}

func runTrain(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(stdout)
	var tf trainFlags
	tf.register(fs)
	out := fs.String("o", "model.bin", "where to write the model")
	note := fs.String("note", "", "free text stored in the model")
	fs.Usage = func() {
		fmt.Fprintln(stdout, "usage: llmrouter train [flags] -o model.bin data.jsonl [more.jsonl…]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	opts, err := tf.options()
	if err != nil {
		return err
	}
	opts.Note = *note
	ds, err := loadDatasets(fs.Args())
	if err != nil {
		return err
	}
	start := time.Now()
	c, err := llmrouter.TrainLinear(ds, opts)
	if err != nil {
		return err
	}
	took := time.Since(start)
	if err := c.Save(*out); err != nil {
		return err
	}
	st, err := os.Stat(*out)
	if err != nil {
		return err
	}
	info, cfg := c.Info(), c.Config()
	fmt.Fprintf(stdout, "trained on %d rows in %.2fs: %d models, lambda %g, idf %v, dense weight %g, hash bits %d",
		info.Rows, took.Seconds(), len(c.Models()), info.Lambda, cfg.IDF, cfg.DenseWeight, cfg.HashBits)
	if info.Tuned {
		fmt.Fprintf(stdout, ", tuning CV APGR %.4f", info.CVScore)
	}
	fmt.Fprintf(stdout, "\nwrote %s (%d bytes)\n", *out, st.Size())
	return nil
}
