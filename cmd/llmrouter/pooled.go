package main

import (
	"fmt"
	"math"
)

// poolBinary evaluates the out-of-fold router scores of every fold as one
// set, as RouteLLM's evaluation does: one curve over all test prompts, not
// the mean of the folds' curves (which reads higher: each fold's curve is
// fitted to its own quantiles). Folds that compared another pair than the
// first are left out; skipped counts them.
func poolBinary(results []*result) (pooled *binaryResult, skipped int, err error) {
	first := firstBinary(results)
	if first == nil {
		return nil, 0, nil
	}
	p := &binaryResult{strong: first.strong, weak: first.weak}
	var sc []float64
	var prompts []string
	for _, r := range results {
		b := r.bin
		if b == nil || b.strong != p.strong || b.weak != p.weak {
			skipped++
			continue
		}
		p.st = append(p.st, b.st...)
		p.wk = append(p.wk, b.wk...)
		sc = append(sc, b.sc...)
		prompts = append(prompts, b.prompts...)
	}
	if err := p.evaluate(sc, prompts); err != nil {
		return nil, skipped, err
	}
	return p, skipped, nil
}

// spread formats the folds' values as min–max.
func spread(xs []float64) string {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	return fmt.Sprintf("%.4f–%.4f", lo, hi)
}

// printPooled writes the pooled binary table, the headline figure of a
// cross-validation, with the folds' mean and spread beside it.
func (e *evaluator) printPooled(k int, results []*result, folds binaryRow) error {
	p, skipped, err := poolBinary(results)
	if err != nil || p == nil {
		return err
	}
	e.report("pooled", "%s vs %s, %d-fold cross-validation: the out-of-fold scores of %d prompts pooled into one curve (quality %.4f vs %.4f)",
		p.strong, p.weak, k, p.n, p.router.StrongQuality, p.router.WeakQuality)
	if skipped > 0 {
		e.report("pooled", "%d fold(s) compared another pair and are left out", skipped)
	}
	e.binaryTable([]binaryRow{rowOf("router", p.router), rowOf("prompt length", p.length), randomRow(), oracleRow(p)})
	m, se := meanSE(folds.apgr)
	e.report("folds", "router APGR per fold: mean %.4f ± %.4f (standard error), range %s over %d folds; pooled %.4f",
		m, se, spread(folds.apgr), len(folds.apgr), p.router.APGR)
	return nil
}
