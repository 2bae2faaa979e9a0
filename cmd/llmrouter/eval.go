package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/eval"
	"github.com/llmrouter/llmrouter/train"
	"gonum.org/v1/plot"
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
			return errors.New("-model needs data to evaluate on: -data, -test or arguments")
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
			return fmt.Errorf("-model evaluates a saved model: drop the training files %v", trainPaths)
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

// binaryRow is one line of a binary table.
type binaryRow struct {
	name                  string
	apgr, cpt50, cpt80, s []float64
}

func rowOf(name string, r eval.BinaryReport) binaryRow {
	return binaryRow{name, []float64{r.APGR}, []float64{r.CPT50}, []float64{r.CPT80}, []float64{r.StepAPGR}}
}

func oracleRow(b *binaryResult) binaryRow {
	return binaryRow{"oracle", []float64{b.oracleDeciles.APGR()}, []float64{b.oracleExact.CPT(0.5)}, []float64{b.oracleExact.CPT(0.8)}, []float64{b.oracleExact.APGR()}}
}

func randomRow() binaryRow {
	return binaryRow{"random", []float64{0.5}, []float64{0.5}, []float64{0.8}, []float64{0.5}}
}

func (r *binaryRow) add(o binaryRow) {
	r.apgr = append(r.apgr, o.apgr...)
	r.cpt50 = append(r.cpt50, o.cpt50...)
	r.cpt80 = append(r.cpt80, o.cpt80...)
	r.s = append(r.s, o.s...)
}

// binaryTable prints the router's binary metrics beside its baselines;
// with more than one value per cell (folds), the mean ± standard error.
func (e *evaluator) binaryTable(rows []binaryRow) {
	w := 10
	if len(rows[0].apgr) > 1 {
		w = 17
	}
	fmt.Fprintf(e.out, "         %-14s %*s %*s %*s %*s\n", "", w, "APGR", w, "CPT(50%)", w, "CPT(80%)", w, "step APGR")
	for _, r := range rows {
		fmt.Fprintf(e.out, "         %-14s %*s %*s %*s %*s\n", r.name,
			w, cell(r.apgr, false), w, cell(r.cpt50, true), w, cell(r.cpt80, true), w, cell(r.s, false))
	}
}

// cell formats one value, or the mean ± standard error of several; pct
// shows shares as percentages.
func cell(xs []float64, pct bool) string {
	scale, f := 1.0, "%.4f"
	if pct {
		scale, f = 100, "%.1f%%"
	}
	if len(xs) == 1 {
		if math.IsNaN(xs[0]) {
			return "never"
		}
		return fmt.Sprintf(f, scale*xs[0])
	}
	if k := countNaN(xs); k > 0 {
		return fmt.Sprintf("never in %d/%d", k, len(xs))
	}
	m, se := meanSE(xs)
	if se == 0 {
		return fmt.Sprintf(f, scale*m)
	}
	return fmt.Sprintf(f+" ± "+f, scale*m, scale*se)
}

// print writes one evaluation; singles adds the single models' table.
func (e *evaluator) print(label string, r *result, singles bool) {
	if b := r.bin; b != nil {
		e.report(label, "%s vs %s on %d prompts (quality %.4f vs %.4f)", b.strong, b.weak, b.n, b.router.StrongQuality, b.router.WeakQuality)
		e.binaryTable([]binaryRow{rowOf("router", b.router), rowOf("prompt length", b.length), randomRow(), oracleRow(b)})
	}
	if m := r.multi; m != nil {
		rep := m.report
		e.report(label, "%d models on %d prompts: cost to reach a share of %s's quality (%.4f), as a fraction of its cost ($%.6f per prompt)",
			len(rep.Models), m.test.Len(), rep.Best.Label, rep.Best.Quality, rep.Best.Cost)
		e.reachTable(rep.Reach, nil)
		if singles {
			e.singlesTable(rep)
		}
	}
}

// reachTable prints the cost fractions of each quality target: the
// router's cheapest operating point and hull beside the random mix of
// single models and the oracle. more holds further folds' reaches.
func (e *evaluator) reachTable(reach []eval.Reach, more [][]eval.Reach) {
	w := 12
	if len(more) > 0 {
		w = 17
	}
	fmt.Fprintf(e.out, "         %-14s %*s %*s %*s %*s\n", "quality", w, "router", w, "router hull", w, "random mix", w, "oracle")
	for i, rr := range reach {
		router, hull, mix, oracle := []float64{rr.Router}, []float64{rr.RouterHull}, []float64{rr.Mix}, []float64{rr.Oracle}
		for _, m := range more {
			router, hull, mix, oracle = append(router, m[i].Router), append(hull, m[i].RouterHull), append(mix, m[i].Mix), append(oracle, m[i].Oracle)
		}
		fmt.Fprintf(e.out, "         %-14s %*s %*s %*s %*s\n", fmt.Sprintf("%.0f%% of best", 100*rr.Target),
			w, costCell(router), w, costCell(hull), w, costCell(mix), w, costCell(oracle))
	}
}

func costCell(xs []float64) string {
	if len(xs) == 1 {
		if math.IsNaN(xs[0]) {
			return "never"
		}
		return fmt.Sprintf("%.3f", xs[0])
	}
	if k := countNaN(xs); k > 0 {
		return fmt.Sprintf("never in %d/%d", k, len(xs))
	}
	m, se := meanSE(xs)
	return fmt.Sprintf("%.3f ± %.3f", m, se)
}

func countNaN(xs []float64) int {
	k := 0
	for _, x := range xs {
		if math.IsNaN(x) {
			k++
		}
	}
	return k
}

// singlesTable lists every single model, cheapest first.
func (e *evaluator) singlesTable(rep eval.MultiReport) {
	singles := append([]eval.CQPoint(nil), rep.Singles...)
	sort.SliceStable(singles, func(a, b int) bool { return singles[a].Cost < singles[b].Cost })
	fmt.Fprintf(e.out, "         %-36s %8s %12s %10s\n", "single model", "quality", "$ / prompt", "× best's")
	for _, s := range singles {
		frac := math.NaN()
		if rep.Best.Cost > 0 {
			frac = s.Cost / rep.Best.Cost
		}
		fmt.Fprintf(e.out, "         %-36s %8.4f %12.6f %10.3f\n", s.Label, s.Quality, s.Cost, frac)
	}
	fmt.Fprintf(e.out, "         %-36s %8.4f %12.6f %10.3f\n", "oracle (cheapest of the best)", rep.Oracle.Quality, rep.Oracle.Cost, rep.Oracle.Cost/rep.Best.Cost)
}

// summary prints the mean over the folds.
func (e *evaluator) summary(k int, ds *dataset.Dataset, results []*result) error {
	fmt.Fprintln(e.out)
	if len(results) == 0 {
		return nil
	}
	if b := firstBinary(results); b != nil {
		router, length, random, oracle := binaryRow{name: "router"}, binaryRow{name: "prompt length"}, randomRow(), binaryRow{name: "oracle"}
		for _, r := range results {
			if r.bin == nil {
				continue
			}
			router.add(rowOf("", r.bin.router))
			length.add(rowOf("", r.bin.length))
			oracle.add(oracleRow(r.bin))
		}
		e.report("mean", "%s vs %s, %d-fold cross-validation, %d prompts (mean ± standard error over %d folds)", b.strong, b.weak, k, ds.Len(), len(router.apgr))
		e.binaryTable([]binaryRow{router, length, random, oracle})
		if err := e.printPooled(k, results, router); err != nil {
			return err
		}
	}
	if m := results[0].multi; m != nil {
		var more [][]eval.Reach
		for _, r := range results[1:] {
			if r.multi != nil {
				more = append(more, r.multi.report.Reach)
			}
		}
		e.report("mean", "%d models, %d-fold cross-validation: cost to reach a share of the best model's quality, as a fraction of its cost", len(m.report.Models), k)
		e.reachTable(m.report.Reach, more)
		pooled, err := e.pool(ds, results)
		if err != nil {
			return err
		}
		e.report("all", "the single models on all %d prompts", ds.Len())
		e.singlesTable(pooled)
	}
	return nil
}

// pool evaluates the out-of-fold predictions of every fold together, the
// decision costs being each model's mean cost over all of ds.
func (e *evaluator) pool(ds *dataset.Dataset, results []*result) (eval.MultiReport, error) {
	all := &dataset.Dataset{}
	var pred [][]float64
	for _, r := range results {
		if r.multi == nil {
			continue
		}
		all.Records = append(all.Records, r.multi.test.Records...)
		pred = append(pred, r.multi.pred...)
	}
	models := results[0].multi.report.Models
	m, err := eval.NewMatrix(all, models)
	if err != nil {
		return eval.MultiReport{}, err
	}
	return eval.EvaluateMulti(pred, m.MeanCosts(), m, eval.MultiOptions{})
}

// plotCV draws the folds' mean PGR curves (router, prompt length and
// oracle), or the cost-quality curve of the
// pooled out-of-fold predictions.
func (e *evaluator) plotCV(path, names string, k int, ds *dataset.Dataset, results []*result) error {
	title := plotTitle(ds, fmt.Sprintf("%s, %d-fold CV", names, k))
	if results[0].multi != nil {
		rep, err := e.pool(ds, results)
		if err != nil {
			return err
		}
		return e.savePlot(path)(eval.CostQualityPlot(title+", out-of-fold", forLogPlot(rep)))
	}
	b := firstBinary(results)
	if b == nil {
		return errors.New("-plot: nothing to plot: no pair of models to compare and no costs")
	}
	var router, length, oracles []eval.Curve
	grid := make([]float64, 101)
	for i := range grid {
		grid[i] = float64(i) / 100
	}
	for _, r := range results {
		if r.bin == nil {
			continue
		}
		router = append(router, r.bin.router.Deciles)
		length = append(length, r.bin.length.Deciles)
		o, err := eval.OracleCurve(r.bin.st, r.bin.wk, grid)
		if err != nil {
			return err
		}
		oracles = append(oracles, o)
	}
	oracle := meanCurve(oracles)
	return e.savePlot(path)(eval.PGRPlot(fmt.Sprintf("%s vs %s\n%s, mean of folds", short(b.strong), short(b.weak), title),
		[]eval.NamedCurve{{Name: "router", Curve: meanCurve(router)}, {Name: "prompt length", Curve: meanCurve(length)}}, &oracle))
}

// forLogPlot returns rep with its two hulls densified: a mix of two
// operating points is a straight segment in cost, which the plot's log
// cost axis bends, so a segment is drawn through points every 1/16 of it.
func forLogPlot(rep eval.MultiReport) eval.MultiReport {
	rep.Hull, rep.MixHull = densify(rep.Hull), densify(rep.MixHull)
	return rep
}

func densify(ps []eval.CQPoint) []eval.CQPoint {
	const steps = 16
	var out []eval.CQPoint
	for i, p := range ps {
		if i > 0 {
			a := ps[i-1]
			for k := 1; k < steps; k++ {
				f := float64(k) / steps
				out = append(out, eval.CQPoint{Lambda: math.NaN(), Cost: a.Cost + f*(p.Cost-a.Cost), Quality: a.Quality + f*(p.Quality-a.Quality)})
			}
		}
		out = append(out, p)
	}
	return out
}

func firstBinary(results []*result) *binaryResult {
	for _, r := range results {
		if r.bin != nil {
			return r.bin
		}
	}
	return nil
}

// meanCurve averages curves of the same number of points (the folds'
// decile curves) point by point.
func meanCurve(cs []eval.Curve) eval.Curve {
	out := eval.Curve{Points: make([]eval.Point, len(cs[0].Points))}
	n := float64(len(cs))
	for _, c := range cs {
		out.WeakQuality += c.WeakQuality / n
		out.StrongQuality += c.StrongQuality / n
		for i, p := range c.Points {
			q := &out.Points[i]
			q.Threshold = math.NaN()
			q.StrongShare += p.StrongShare / n
			q.Quality += p.Quality / n
			q.PGR += p.PGR / n
		}
	}
	return out
}

// savePlot returns a function that writes a plot to path in the format
// its extension names, and reports it.
func (e *evaluator) savePlot(path string) func(*plot.Plot, error) error {
	return func(p *plot.Plot, err error) error {
		if err == nil {
			err = savePlot(p, path)
		}
		if err != nil {
			return fmt.Errorf("-plot %s: %w", path, err)
		}
		e.report("plot", "wrote %s", path)
		return nil
	}
}

func plotTitle(ds *dataset.Dataset, what string) string {
	return fmt.Sprintf("%s, %d prompts", what, ds.Len())
}

func baseNames(paths string) []string {
	var out []string
	for _, p := range strings.Split(paths, ",") {
		out = append(out, filepath.Base(p))
	}
	return out
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

// meanSE returns the mean of xs and its standard error.
func meanSE(xs []float64) (mean, se float64) {
	var s, s2 float64
	for _, x := range xs {
		s += x
		s2 += x * x
	}
	n := float64(len(xs))
	m := s / n
	return m, math.Sqrt(math.Max(s2/n-m*m, 0) / math.Max(n-1, 1))
}
