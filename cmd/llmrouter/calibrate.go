package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/calibrate"
)

func init() {
	commands["calibrate"] = command{
		summary: "choose the Threshold cutoff for a strong-call share or a quality on validation data",
		run:     runCalibrate,
	}
}

func runCalibrate(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("calibrate", flag.ContinueOnError)
	fs.SetOutput(stdout)
	model := fs.String("model", "", "model file written by train (default: DefaultClassifier, what a router uses without WithClassifier)")
	data := dataFlag(fs)
	alias := aliasFlag(fs)
	strong := fs.String("strong", "", "strong model (required)")
	weak := fs.String("weak", "", "weak model (required)")
	strongQ := fs.Float64("strong-quality", 0.9, "card quality of the strong model, used when the model predicts difficulty only")
	weakQ := fs.Float64("weak-quality", 0.7, "card quality of the weak model, used when the model predicts difficulty only")
	share := fs.Float64("share", -1, "target share of strong calls in [0,1]")
	quality := fs.Float64("quality", -1, "target mean quality (absolute score)")
	pgr := fs.Float64("pgr", -1, "target PGR in [0,1]: the share of the strong model's advantage to recover")
	fs.Usage = func() {
		fmt.Fprintln(stdout, "usage: llmrouter calibrate [-model model.bin] -strong S -weak W (-share F | -quality Q | -pgr P) validation.jsonl…")
		fmt.Fprintln(stdout, "prints the cutoff for the Threshold policy (route strong when Quality(strong) − Quality(weak) ≥ cutoff)")
		fmt.Fprintln(stdout, stdinUsage)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *strong == "" || *weak == "" {
		return usagef("-strong and -weak are required")
	}
	// Targets default to -1 (unset); NaN would read as unset too.
	for _, f := range []struct {
		name     string
		v        float64
		isTarget bool
	}{{"share", *share, true}, {"quality", *quality, true}, {"pgr", *pgr, true},
		{"strong-quality", *strongQ, false}, {"weak-quality", *weakQ, false}} {
		if !(f.v >= 0 && f.v <= 1) && !(f.isTarget && f.v == -1) {
			return fmt.Errorf("-%s %v: want a number in [0,1]", f.name, f.v)
		}
	}
	if *strongQ <= *weakQ { // a difficulty would map to no gain, or a loss, from the strong model
		return fmt.Errorf("-strong-quality %v, -weak-quality %v: the strong model's card quality must be above the weak one's", *strongQ, *weakQ)
	}
	set := 0
	for _, v := range []float64{*share, *quality, *pgr} {
		if v >= 0 {
			set++
		}
	}
	if set != 1 {
		return usagef("give exactly one of -share, -quality, -pgr")
	}
	if err := oneStdin(append(dataFiles(*data, fs.Args()), *model)...); err != nil {
		return err
	}
	// Without -model: the classifier a router uses when built without
	// WithClassifier, so the cutoff suits such a router.
	c := llmrouter.DefaultClassifier()
	if *model != "" {
		lin, err := loadModel(*model)
		if err != nil {
			return err
		}
		c = lin
		if ms := lin.Models(); slices.Contains(ms, *strong) && slices.Contains(ms, *weak) {
			var bad string
			fs.Visit(func(f *flag.Flag) {
				if bad == "" && (f.Name == "strong-quality" || f.Name == "weak-quality") {
					bad = f.Name
				}
			})
			if bad != "" {
				return fmt.Errorf("-%s does not apply: %s predicts %s and %s directly (card qualities map a difficulty); drop it", bad, *model, *strong, *weak)
			}
		}
	}
	ds, err := loadDatasets(dataFiles(*data, fs.Args()), alias.options()...)
	if err != nil {
		return err
	}
	if err := checkModels(ds, *strong, *weak); err != nil {
		return err
	}
	sc, st, wk, err := calibrate.Scores(context.Background(), c, nil, ds,
		llmrouter.ModelCard{Name: *strong, Quality: *strongQ}, llmrouter.ModelCard{Name: *weak, Quality: *weakQ})
	if err != nil {
		return err
	}
	var cal calibrate.Result
	switch {
	case *share >= 0:
		cal, err = calibrate.Share(sc, st, wk, *share)
	case *quality >= 0:
		cal, err = calibrate.Quality(sc, st, wk, *quality)
	default:
		var qs, qw float64
		for i := range st {
			qs += st[i]
			qw += wk[i]
		}
		n := float64(len(st))
		if !(qs > qw) { // PGR divides by the gap: every cutoff would "reach" it
			return fmt.Errorf("-pgr %v: PGR needs %s to score above %s on the validation data, but their mean quality %.4f vs %.4f; give -share or -quality",
				*pgr, *strong, *weak, qs/n, qw/n)
		}
		target := qw/n + *pgr*(qs-qw)/n
		cal, err = calibrate.Quality(sc, st, wk, target)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "cutoff %.6g: %.1f%% of %d validation prompts to %s, quality %.4f, PGR %.3f\n",
		cal.Cutoff, 100*cal.StrongShare, len(sc), *strong, cal.Quality, cal.PGR)
	if math.IsInf(cal.Cutoff, 1) {
		// A configuration file's numbers are finite; qualities lie in
		// [0, 1], so no known gap reaches a cutoff above 1.
		fmt.Fprintln(stdout, "(+Inf: no request goes strong unless its gap is unknown; in a configuration file write cutoff: 2, which no gap reaches, as qualities lie in [0, 1])")
	}
	return nil
}
