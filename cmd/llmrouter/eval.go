package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/eval"
	"github.com/llmrouter/llmrouter/train"
)

func init() {
	commands["eval"] = command{
		summary: "evaluate the linear classifier: nested cross-validation, or train/test files",
		run:     runEval,
	}
}

// plotFormats are the -plot extensions eval.SavePlot writes.
var plotFormats = []string{".svg", ".png", ".pdf"}

func runEval(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stdout)
	var tf trainFlags
	tf.register(fs)
	folds := fs.Int("cv", 5, "outer cross-validation folds (prompts grouped); tuning runs inside each training fold")
	cvSeed := fs.Uint64("cv-seed", 1, "seed of the outer folds")
	test := fs.String("test", "", "evaluate on these files (comma-separated) instead of cross-validating: train on the arguments")
	model := fs.String("model", "", "evaluate this saved model (on -test, or on -data / the arguments) instead of training one")
	data := dataFlag(fs)
	alias := aliasFlag(fs)
	strong := fs.String("strong", "", "strong model for the binary metrics (default: the best on average)")
	weak := fs.String("weak", "", "weak model for the binary metrics (default: the other model when there are two)")
	plotPath := fs.String("plot", "", "draw the PGR curve (two models) or the cost-quality curve (more models, with costs) to this file: .svg, .png or .pdf")
	quiet := fs.Bool("quiet", false, "no progress bar on stderr")
	fs.Usage = func() {
		fmt.Fprintln(stdout, `usage: llmrouter eval [flags] data.jsonl…           nested cross-validation
       llmrouter eval [flags] -test test.jsonl train.jsonl…
       llmrouter eval -model model.bin -test test.jsonl
       llmrouter eval -data data.jsonl [-model model.bin | -cv 5] [-strong M -weak M] [-plot curve.svg]`)
		fmt.Fprintln(stdout, stdinUsage)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *model != "" {
		if err := modelOnly(fs); err != nil {
			return err
		}
	}
	if err := checkNeeds(fs, flagNeed{flag: "cv", without: "test"}, flagNeed{flag: "cv-seed", without: "test"}); err != nil {
		return err
	}
	opts, err := tf.options()
	if err != nil {
		return err
	}
	if *folds < 2 {
		return fmt.Errorf("-cv %d: want at least 2 folds", *folds)
	}
	if err := oneStdin(append(dataFiles(*data, fs.Args()), *test, *model)...); err != nil {
		return err
	}
	if *plotPath == "-" {
		return errPlotStdout
	}
	if *plotPath != "" {
		ext := strings.ToLower(filepath.Ext(*plotPath))
		if indexOf(plotFormats, ext) < 0 {
			return fmt.Errorf("-plot %s: unknown format %q; want one of %s", *plotPath, ext, strings.Join(plotFormats, ", "))
		}
		if err := checkOutput("plot", *plotPath, append(dataFiles(*data, fs.Args()), *test, *model)...); err != nil {
			return err
		}
	}
	e := &evaluator{strong: *strong, weak: *weak, readOpts: alias.options()}
	e.out = clearingWriter{w: stdout, bar: &e.bar}
	files := dataFiles(*data, fs.Args())
	if *model != "" && *test == "" {
		// A saved model evaluated on the data: the data is the test set.
		if len(files) == 0 {
			return usagef("-model needs data to evaluate on: -data, -test or arguments")
		}
		return e.trainTest(strings.Join(files, ","), *model, nil, opts, *plotPath, *quiet)
	}
	if *test != "" {
		return e.trainTest(*test, *model, files, opts, *plotPath, *quiet)
	}
	ds, spans, err := loadDatasetFiles(files, e.readOpts...)
	if err != nil {
		return err
	}
	if err := checkModels(ds, *strong, *weak); err != nil {
		return err
	}
	if !opts.DifficultyOnly {
		models := opts.Models
		if len(models) == 0 {
			models = ds.Models()
		}
		e.checkCosts(ds, spans, models)
	}
	fl, err := eval.DatasetFolds(ds, *folds, *cvSeed, false)
	if err != nil {
		return err
	}
	bar := newProgress(fmt.Sprintf("fold 1/%d", len(fl)), 1000*len(fl), *quiet)
	e.bar = bar
	defer bar.finish()
	var results []*result
	for k, f := range fl {
		label := fmt.Sprintf("fold %d", k+1)
		bar.describe(fmt.Sprintf("fold %d/%d", k+1, len(fl)))
		trainDS, testDS := eval.Subset(ds, f.Train), eval.Subset(ds, f.Test)
		start := time.Now()
		opts.Progress = bar.fraction(1000*k, 1000)
		c, err := train.Linear(trainDS, opts)
		if err != nil {
			return fmt.Errorf("%s: %w", label, err)
		}
		e.report(label, "trained on %d rows in %.2fs; %s", trainDS.Len(), time.Since(start).Seconds(), describe(c))
		r, err := e.evaluate(label, c, trainDS, testDS)
		if err != nil {
			return fmt.Errorf("%s: %w", label, err)
		}
		e.print(label, r, false)
		results = append(results, r)
	}
	bar.finish()
	if !anyMetrics(results) {
		return fmt.Errorf("nothing to evaluate: give -strong and -weak among the data's models %v", ds.Models())
	}
	if err := e.summary(len(fl), ds, results); err != nil {
		return err
	}
	if *plotPath != "" {
		return e.plotCV(*plotPath, strings.Join(baseNames(strings.Join(files, ",")), ", "), len(fl), ds, results)
	}
	return nil
}

// trainTest evaluates a saved model, or one trained on trainPaths, on the
// files of testPaths.
func (e *evaluator) trainTest(testPaths, modelPath string, trainPaths []string, opts train.Options, plotPath string, quiet bool) error {
	testDS, testSpans, err := loadDatasetFiles([]string{testPaths}, e.readOpts...)
	if err != nil {
		return err
	}
	var c *llmrouter.LinearClassifier
	var trainDS *dataset.Dataset
	if modelPath != "" {
		if len(trainPaths) > 0 {
			return usagef("-model evaluates a saved model: drop the training files %v", trainPaths)
		}
		if c, err = loadModel(modelPath); err != nil {
			return err
		}
	} else {
		if trainDS, err = loadDatasets(trainPaths, e.readOpts...); err != nil {
			return err
		}
		warnModelSets(warnOutput(), []modelSet{{"test " + testPaths, testDS.Models()}, {"training " + strings.Join(trainPaths, ","), trainDS.Models()}})
	}
	if err := checkModels(testDS, e.strong, e.weak); err != nil {
		return err
	}
	if c == nil {
		start := time.Now()
		bar := newProgress("training", 1000, quiet)
		e.bar = bar
		opts.Progress = bar.fraction(0, 1000)
		c, err = train.Linear(trainDS, opts)
		bar.finish()
		if err != nil {
			return err
		}
		e.report("train", "%d rows in %.2fs; %s", trainDS.Len(), time.Since(start).Seconds(), describe(c))
	}
	e.checkCosts(testDS, testSpans, c.Models())
	r, err := e.evaluate("test", c, trainDS, testDS)
	if err != nil {
		return err
	}
	e.print("test", r, true)
	if r.bin == nil && r.multi == nil && r.noGap != "" {
		return fmt.Errorf("nothing to evaluate: %s; give another pair with -strong and -weak among %v", r.noGap, testDS.Models())
	}
	if r.bin == nil && r.multi == nil {
		return fmt.Errorf("nothing to evaluate: give -strong and -weak among the test data's models %v", testDS.Models())
	}
	if plotPath == "" {
		return nil
	}
	what := "test " + strings.Join(baseNames(testPaths), ", ")
	if modelPath != "" {
		what = filepath.Base(modelPath) + " on " + what
	} else {
		what = strings.Join(baseNames(strings.Join(trainPaths, ",")), ", ") + " → " + what
	}
	title := plotTitle(testDS, what)
	if r.multi != nil {
		return e.savePlot(plotPath)(eval.CostQualityPlot(title, forLogPlot(r.multi.report)))
	}
	b := r.bin
	oracle := b.oracleExact
	return e.savePlot(plotPath)(eval.PGRPlot(fmt.Sprintf("%s vs %s\n%s", short(b.strong), short(b.weak), title),
		[]eval.NamedCurve{{Name: "router", Curve: b.router.Deciles}, {Name: "prompt length", Curve: b.length.Deciles}}, &oracle))
}

// checkModels fails when -strong or -weak names a model the data lacks.
func checkModels(ds *dataset.Dataset, strong, weak string) error {
	models := ds.Models()
	for _, f := range []struct{ flag, name string }{{"-strong", strong}, {"-weak", weak}} {
		if f.name != "" && indexOf(models, f.name) < 0 {
			return fmt.Errorf("%s %q: no such model in the data (models: %s)", f.flag, f.name, strings.Join(models, ", "))
		}
	}
	if strong != "" && strong == weak {
		return fmt.Errorf("-strong and -weak are both %q", strong)
	}
	if strong != "" && weak == "" && len(models) > 2 {
		return fmt.Errorf("-strong without -weak: the data has %d models; name the weak one", len(models))
	}
	return nil
}

type evaluator struct {
	out          io.Writer
	strong, weak string
	bar          *progress // the current progress bar, cleared before e.out is written
	readOpts     []dataset.Option
	noCost       string // why the cost-quality metrics are left out (checkCosts)
}

// result is one evaluation: the binary metrics with their baselines when
// two models were compared, the cost-quality metrics when costs are known.
type result struct {
	bin   *binaryResult
	multi *multiResult
	noGap string // why there are no binary metrics, when the pair scores the same
}

type binaryResult struct {
	strong, weak   string
	n              int
	router, length eval.BinaryReport
	// oracleDeciles is the oracle at the decile shares (as RouteLLM's
	// APGR), oracleExact at its break points.
	oracleDeciles, oracleExact eval.Curve
	// the test prompts' scores; sc the router's scores of them.
	st, wk, sc []float64
	prompts    []string
}

type multiResult struct {
	report eval.MultiReport
	pred   [][]float64
	test   *dataset.Dataset
}

func (e *evaluator) report(label, format string, args ...any) {
	fmt.Fprintf(e.out, "%-8s %s\n", label+":", fmt.Sprintf(format, args...))
}

func describe(c *llmrouter.LinearClassifier) string {
	info := c.Info()
	n, _ := c.WriteTo(io.Discard)
	return fmt.Sprintf("lambda %g, idf %s, dense %g, %s", info.Lambda, onOff(info.IDF), info.DenseWeight, sizeString(n))
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func sizeString(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// evaluate computes the binary metrics (two models) and the cost-quality
// metrics (costs known) of c on test, with their baselines; train (may be
// nil) gives the models' decision costs.
func (e *evaluator) evaluate(label string, c *llmrouter.LinearClassifier, train, test *dataset.Dataset) (*result, error) {
	models := c.Models()
	pred := make([][]float64, test.Len())
	diff := make([]float64, test.Len())
	for i, r := range test.Records {
		pred[i], diff[i] = c.Predict(r.Prompt)
	}
	hasDiff, ref := c.HasDifficulty()
	res := &result{}
	strong, weak := e.strong, e.weak
	pairFrom := models
	if len(models) == 0 && hasDiff {
		// A difficulty-only model: route between the reference and the
		// other model of the test data by the predicted difficulty.
		pairFrom = test.Models()
		if strong == "" {
			strong = ref
		}
	}
	if strong == "" || weak == "" {
		src := train
		if src == nil {
			src = test
		}
		strong, weak = pickPair(src, pairFrom, strong, weak)
	}
	si, wi := indexOf(models, strong), indexOf(models, weak)
	useDiff := (si < 0 || wi < 0) && hasDiff && strong != "" && weak != ""
	if (si < 0 || wi < 0) && !useDiff && e.strong != "" && e.weak != "" {
		return nil, fmt.Errorf("the model predicts %v, not %q and %q, and has no difficulty head", models, e.strong, e.weak)
	}
	if si >= 0 && wi >= 0 || useDiff {
		b := &binaryResult{strong: strong, weak: weak}
		var prompts []string
		var sc []float64
		for i, r := range test.Records {
			so, ok1 := r.Outcomes[strong]
			wo, ok2 := r.Outcomes[weak]
			if !ok1 || !ok2 {
				continue
			}
			b.st = append(b.st, so.Score)
			b.wk = append(b.wk, wo.Score)
			if useDiff {
				sc = append(sc, diff[i])
			} else {
				sc = append(sc, pred[i][si]-pred[i][wi])
			}
			prompts = append(prompts, r.Prompt)
		}
		if len(sc) == 0 {
			return nil, fmt.Errorf("no test record has outcomes for both %q and %q", strong, weak)
		}
		err := b.evaluate(sc, prompts)
		switch {
		case errors.Is(err, eval.ErrNoGap) && e.strong == "":
			// A small fold where both models score the same: no PGR.
			e.report(label, "no binary metrics: %s and %s score the same on average here", strong, weak)
			res.noGap = fmt.Sprintf("%s and %s have the same mean score on the test data (PGR is undefined)", strong, weak)
		case err != nil:
			return nil, err
		default:
			res.bin = b
		}
	}
	if m, err := eval.NewMatrix(test, models); err == nil && len(models) > 2 && e.noCost == "" {
		ref := train
		if ref == nil {
			ref = test
		}
		dc := make([]float64, len(models))
		for j, name := range models {
			dc[j], _ = ref.MeanCost(name)
		}
		r, err := eval.EvaluateMulti(pred, dc, m, eval.MultiOptions{})
		if err != nil {
			return nil, err
		}
		res.multi = &multiResult{report: r, pred: pred, test: test}
	}
	return res, nil
}

// evaluate fills in the router's metrics, given its scores, and those of
// the baselines.
func (b *binaryResult) evaluate(scores []float64, prompts []string) error {
	var err error
	if b.router, err = eval.EvaluateBinary(b.st, b.wk, scores); err != nil {
		return err
	}
	if b.length, err = eval.EvaluateBinary(b.st, b.wk, eval.LengthScores(prompts)); err != nil {
		return err
	}
	if b.oracleDeciles, err = eval.OracleCurve(b.st, b.wk, eval.DecileShares()); err != nil {
		return err
	}
	b.oracleExact, err = eval.OracleCurve(b.st, b.wk, nil)
	b.n, b.sc, b.prompts = len(scores), scores, prompts
	return err
}

// pickPair fills in the strong (highest mean score) and weak models.
func pickPair(ds *dataset.Dataset, models []string, strong, weak string) (string, string) {
	best, bestQ := "", math.Inf(-1)
	for _, m := range models {
		if q, n := ds.MeanScore(m); n > 0 && q > bestQ {
			best, bestQ = m, q
		}
	}
	if strong == "" {
		strong = best
	}
	if weak == "" && len(models) == 2 {
		for _, m := range models {
			if m != strong {
				weak = m
			}
		}
	}
	return strong, weak
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

func short(m string) string {
	if i := strings.LastIndex(m, "/"); i >= 0 {
		return m[i+1:]
	}
	return m
}
