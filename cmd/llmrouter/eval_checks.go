package main

import (
	"flag"
	"fmt"
	"slices"

	"github.com/llmrouter/llmrouter/dataset"
)

// checkCosts says, once, why the cost-quality metrics (three models or
// more, costs known) are left out when the data holds costs but not every
// one of models on every record: it names the first record without one,
// by file, line and id, and sets e.noCost so that every fold leaves them
// out alike. (They used to be left out silently of the folds where such a
// record fell, and the mean and single-model tables with them.)
func (e *evaluator) checkCosts(ds *dataset.Dataset, files dataFileSpans, models []string) {
	if len(models) <= 2 || !anyCost(ds) {
		return
	}
	for i := range ds.Records {
		r := &ds.Records[i]
		for _, m := range models {
			o, ok := r.Outcomes[m]
			what := "no outcome"
			if ok {
				if _, known := o.CostValue(); known {
					continue
				}
				what = "no cost"
			}
			e.noCost = fmt.Sprintf("%s: line %d (id %q): %s for model %q", files.of(i), r.Line, r.ID, what, m)
			e.report("eval", "no cost-quality metrics: %s; they need every model's outcome and cost on every prompt", e.noCost)
			return
		}
	}
}

// anyCost reports whether some outcome of ds has a known cost.
func anyCost(ds *dataset.Dataset) bool {
	for i := range ds.Records {
		for _, o := range ds.Records[i].Outcomes {
			if _, ok := o.CostValue(); ok {
				return true
			}
		}
	}
	return false
}

// anyMetrics reports whether some fold got binary or cost-quality metrics.
func anyMetrics(results []*result) bool {
	for _, r := range results {
		if r.bin != nil || r.multi != nil {
			return true
		}
	}
	return false
}

// trainingFlags are eval's flags that shape training or the
// cross-validation: none applies to a saved model (-model).
var trainingFlags = []string{"bits", "lambda", "dense", "idf", "tune-folds", "seed", "class-weight",
	"difficulty", "difficulty-only", "models", "reference", "cv", "cv-seed"}

// modelOnly fails, naming it, when a training flag was given beside
// -model: it used to be ignored without a word.
func modelOnly(fs *flag.FlagSet) error {
	var bad string
	fs.Visit(func(f *flag.Flag) {
		if bad == "" && slices.Contains(trainingFlags, f.Name) {
			bad = f.Name
		}
	})
	if bad != "" {
		return usagef("-%s does not apply to -model: a saved model is evaluated as it was trained, on all of -test or the data; drop -%s", bad, bad)
	}
	return nil
}
