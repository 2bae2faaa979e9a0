package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/llmrouter/llmrouter"
	"github.com/llmrouter/llmrouter/eval"
)

func init() {
	commands["eval"] = command{
		summary: "evaluate the linear classifier: nested cross-validation, or train/test files",
		run:     runEval,
	}
}

func runEval(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stdout)
	var tf trainFlags
	tf.register(fs)
	folds := fs.Int("cv", 5, "outer cross-validation folds (prompts grouped); tuning runs inside each training fold")
	cvSeed := fs.Uint64("cv-seed", 1, "seed of the outer folds")
	test := fs.String("test", "", "evaluate on these files (comma-separated) instead of cross-validating: train on the arguments")
	model := fs.String("model", "", "with -test: evaluate this saved model instead of training one")
	strong := fs.String("strong", "", "strong model for the binary metrics (default: the best on average)")
	weak := fs.String("weak", "", "weak model for the binary metrics (default: the other model when there are two)")
	fs.Usage = func() {
		fmt.Fprintln(stdout, `usage: llmrouter eval [flags] data.jsonl…           nested cross-validation
       llmrouter eval [flags] -test test.jsonl train.jsonl…
       llmrouter eval -model model.bin -test test.jsonl`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	opts, err := tf.options()
	if err != nil {
		return err
	}
	e := &evaluator{out: stdout, opts: opts, strong: *strong, weak: *weak}
	if *test != "" {
		testDS, err := loadDatasets([]string{*test})
		if err != nil {
			return err
		}
		var c *llmrouter.LinearClassifier
		var trainDS *llmrouter.Dataset
		if *model != "" {
			if c, err = llmrouter.LoadLinearClassifier(*model); err != nil {
				return err
			}
		} else {
			if trainDS, err = loadDatasets(fs.Args()); err != nil {
				return err
			}
			start := time.Now()
			if c, err = llmrouter.TrainLinear(trainDS, opts); err != nil {
				return err
			}
			e.report("train", "%d rows in %.2fs; %s", trainDS.Len(), time.Since(start).Seconds(), describe(c))
		}
		return e.evaluate("test", c, trainDS, testDS)
	}
	if *model != "" {
		return errors.New("-model needs -test")
	}
	ds, err := loadDatasets(fs.Args())
	if err != nil {
		return err
	}
	fl, err := eval.DatasetFolds(ds, *folds, *cvSeed, false)
	if err != nil {
		return err
	}
	var apgr, cpt, step, length, reach []float64
	for k, f := range fl {
		trainDS, testDS := eval.Subset(ds, f.Train), eval.Subset(ds, f.Test)
		start := time.Now()
		c, err := llmrouter.TrainLinear(trainDS, opts)
		if err != nil {
			return err
		}
		e.report(fmt.Sprintf("fold %d", k+1), "trained on %d rows in %.2fs; %s", trainDS.Len(), time.Since(start).Seconds(), describe(c))
		if err := e.evaluate(fmt.Sprintf("fold %d", k+1), c, trainDS, testDS); err != nil {
			return err
		}
		apgr = append(apgr, e.last.APGR)
		cpt = append(cpt, e.last.CPT50)
		step = append(step, e.last.StepAPGR)
		length = append(length, e.lastLength)
		reach = append(reach, e.lastReach)
	}
	fmt.Fprintln(stdout)
	if len(apgr) > 0 && !math.IsNaN(apgr[0]) {
		e.report("mean", "APGR %s  CPT(50%%) %s  step APGR %s  (length baseline APGR %s)", meanSE(apgr), meanSE(cpt), meanSE(step), meanSE(length))
	}
	if len(reach) > 0 && !math.IsNaN(reach[0]) {
		e.report("mean", "cost for 95%% of the best model's quality: %s of its cost", meanSE(reach))
	}
	return nil
}

type evaluator struct {
	out          io.Writer
	opts         llmrouter.TrainOptions
	strong, weak string
	last         eval.BinaryReport
	lastLength   float64
	lastReach    float64
}

func (e *evaluator) report(label, format string, args ...any) {
	fmt.Fprintf(e.out, "%-8s %s\n", label+":", fmt.Sprintf(format, args...))
}

func describe(c *llmrouter.LinearClassifier) string {
	info, cfg := c.Info(), c.Config()
	var buf io.Writer = io.Discard
	n, _ := c.WriteTo(buf)
	return fmt.Sprintf("lambda %g, idf %v, dense %g, %d bytes", info.Lambda, cfg.IDF, cfg.DenseWeight, n)
}

// evaluate reports the binary metrics (two models) and the cost-quality
// metrics (costs known) of c on test; train (may be nil) gives the models'
// decision costs.
func (e *evaluator) evaluate(label string, c *llmrouter.LinearClassifier, train, test *llmrouter.Dataset) error {
	models := c.Models()
	pred := make([][]float64, test.Len())
	diff := make([]float64, test.Len())
	for i, r := range test.Records {
		pred[i], diff[i] = c.Predict(r.Prompt)
	}
	hasDiff, ref := c.HasDifficulty()
	e.last = eval.BinaryReport{APGR: math.NaN()}
	e.lastReach = math.NaN()
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
	if si >= 0 && wi >= 0 || useDiff {
		var prompts []string
		var st, wk, sc []float64
		for i, r := range test.Records {
			so, ok1 := r.Outcomes[strong]
			wo, ok2 := r.Outcomes[weak]
			if !ok1 || !ok2 {
				continue
			}
			st = append(st, so.Score)
			wk = append(wk, wo.Score)
			if useDiff {
				sc = append(sc, diff[i])
			} else {
				sc = append(sc, pred[i][si]-pred[i][wi])
			}
			prompts = append(prompts, r.Prompt)
		}
		rep, err := eval.EvaluateBinary(st, wk, sc)
		if err != nil {
			return err
		}
		lenAPGR, err := eval.APGR(st, wk, eval.LengthScores(prompts))
		if err != nil {
			return err
		}
		e.last, e.lastLength = rep, lenAPGR
		e.report(label, "%s vs %s on %d prompts: APGR %.4f  CPT(50%%) %.3f  CPT(80%%) %.3f  step APGR %.4f  (length baseline %.4f)",
			short(strong), short(weak), rep.N, rep.APGR, rep.CPT50, rep.CPT80, rep.StepAPGR, lenAPGR)
	}
	if m, err := eval.NewMatrix(test, models); err == nil && len(models) > 0 {
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
			return err
		}
		for _, rr := range r.Reach {
			e.report(label, "%d models: %.0f%% of %s's quality costs %.3f of its cost (hull %.3f; random mix of single models %.3f; oracle %.3f)",
				len(models), 100*rr.Target, short(r.Best.Label), rr.Router, rr.RouterHull, rr.Mix, rr.Oracle)
			if rr.Target == 0.95 {
				e.lastReach = rr.RouterHull
			}
		}
	}
	return nil
}

// pickPair fills in the strong (highest mean score) and weak models.
func pickPair(ds *llmrouter.Dataset, models []string, strong, weak string) (string, string) {
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

func meanSE(xs []float64) string {
	var s, s2 float64
	for _, x := range xs {
		s += x
		s2 += x * x
	}
	n := float64(len(xs))
	m := s / n
	se := math.Sqrt(math.Max(s2/n-m*m, 0) / math.Max(n-1, 1))
	return fmt.Sprintf("%.4f ± %.4f", m, se)
}
