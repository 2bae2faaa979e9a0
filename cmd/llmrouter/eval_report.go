package main

import (
	"fmt"
	"math"
	"sort"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/eval"
)

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
