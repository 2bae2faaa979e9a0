package eval

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"

	"github.com/llmrouter/llmrouter/dataset"
)

// Fold is one split of k-fold cross-validation: row indices to train on
// and to test on, each ascending.
type Fold struct {
	Train, Test []int
}

// GroupKFold splits n = len(prompts) rows into k folds (k ≥ 2, at most the
// number of distinct prompts) so that rows with the same prompt string are
// always in the same fold: a duplicated prompt in both training and test
// data would inflate every score.
//
// Groups of identical prompts are shuffled with a generator seeded by seed
// and then dealt, one group at a time, to the fold with the fewest rows so
// far (the lowest-numbered on a tie), so fold sizes differ by at most the
// size of one group. With strata (one label per row, e.g. the task; nil for
// none) the dealing is done per stratum, balancing each stratum's rows
// across folds; a group takes the stratum of its first row. The result
// depends only on the inputs and seed. Fold i's Test rows are the rows
// dealt to it, its Train rows all others.
func GroupKFold(prompts []string, k int, seed uint64, strata []string) ([]Fold, error) {
	if len(prompts) == 0 {
		return nil, errors.New("eval: no rows to split")
	}
	if k < 2 {
		return nil, fmt.Errorf("eval: k = %d; want at least 2 folds", k)
	}
	if strata != nil && len(strata) != len(prompts) {
		return nil, fmt.Errorf("eval: %d strata labels for %d rows", len(strata), len(prompts))
	}
	groups := dataset.GroupByPrompt(prompts) // in order of first appearance
	if len(groups) < k {
		return nil, fmt.Errorf("eval: %d distinct prompts cannot fill %d folds", len(groups), k)
	}
	// Strata in sorted order, each with its groups in order of appearance.
	byStratum := make(map[string][]int)
	for g, rows := range groups {
		s := ""
		if strata != nil {
			s = strata[rows[0]]
		}
		byStratum[s] = append(byStratum[s], g)
	}
	names := make([]string, 0, len(byStratum))
	for s := range byStratum {
		names = append(names, s)
	}
	sort.Strings(names)

	rng := rand.New(rand.NewPCG(seed, 0xda3e39cb94b95bdb))
	foldOf := make([]int, len(prompts))
	total := make([]int, k)
	for _, s := range names {
		gs := byStratum[s]
		rng.Shuffle(len(gs), func(i, j int) { gs[i], gs[j] = gs[j], gs[i] })
		inStratum := make([]int, k)
		for _, g := range gs {
			best := 0
			for f := 1; f < k; f++ {
				if inStratum[f] < inStratum[best] || (inStratum[f] == inStratum[best] && total[f] < total[best]) {
					best = f
				}
			}
			for _, row := range groups[g] {
				foldOf[row] = best
			}
			inStratum[best] += len(groups[g])
			total[best] += len(groups[g])
		}
	}
	folds := make([]Fold, k)
	for row, f := range foldOf {
		for j := range folds {
			if j == f {
				folds[j].Test = append(folds[j].Test, row)
			} else {
				folds[j].Train = append(folds[j].Train, row)
			}
		}
	}
	return folds, nil
}

// DatasetFolds is GroupKFold over a dataset's prompts, stratified by task
// when stratify is true.
func DatasetFolds(ds *dataset.Dataset, k int, seed uint64, stratify bool) ([]Fold, error) {
	if ds == nil {
		return nil, errors.New("eval: nil dataset")
	}
	prompts := make([]string, ds.Len())
	var strata []string
	if stratify {
		strata = make([]string, ds.Len())
	}
	for i, r := range ds.Records {
		prompts[i] = r.Prompt
		if stratify {
			strata[i] = r.Task
		}
	}
	return GroupKFold(prompts, k, seed, strata)
}

// Subset returns the records of ds at the given row indices, in that order.
func Subset(ds *dataset.Dataset, rows []int) *dataset.Dataset {
	out := &dataset.Dataset{Records: make([]dataset.Record, len(rows))}
	for i, r := range rows {
		out.Records[i] = ds.Records[r]
	}
	return out
}
