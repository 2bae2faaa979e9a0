package main

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"github.com/llmrouter/llmrouter/dataset"
	"github.com/llmrouter/llmrouter/eval"
	"gonum.org/v1/plot"
)

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
